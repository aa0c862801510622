package dev.tributary.job.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.Test;

class IsolatedTest {

  /** Doubles numbers; a record it cannot handle throws, as a bug or bad data would. */
  static final class Doubler extends KeyedProcessFunction<String, String, Integer> {
    @Override
    public void processElement(String value, Context ctx, Collector<Integer> out) {
      if (value.equals("machinery")) {
        throw new FlinkRuntimeException("state backend down");
      }
      out.collect(Math.multiplyExact(Integer.parseInt(value), 2));
    }
  }

  @Test
  void aRecordThatFailsIsADeadLetterAndTheNextOneIsProcessed() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, String, Integer> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            Isolated.keyed("doubler", new Doubler()), v -> "k", Types.STRING)) {
      h.processElement("21", 1);
      h.processElement("2147483647", 2);
      h.processElement("x", 3);
      h.processElement("4", 4);

      assertThat(h.extractOutputValues()).containsExactly(42, 8);
      assertThat(h.getSideOutput(DeadLetters.TAG))
          .extracting(
              r -> r.getValue().stage() + " " + r.getValue().key() + " " + r.getValue().reason())
          .containsExactly(
              "doubler k unexpected ArithmeticException: integer overflow",
              "doubler k unexpected NumberFormatException: For input string: \"x\"");
      assertThat(h.getSideOutput(DeadLetters.TAG))
          .extracting(r -> r.getValue().record())
          .containsExactly("\"2147483647\"", "\"x\"");
    }
  }

  @Test
  void aFailureOfTheMachineryStillFailsTheTask() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, String, Integer> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            Isolated.keyed("doubler", new Doubler()), v -> "k", Types.STRING)) {
      assertThatThrownBy(() -> h.processElement("machinery", 1))
          .isInstanceOf(FlinkRuntimeException.class);
    }
  }
}
