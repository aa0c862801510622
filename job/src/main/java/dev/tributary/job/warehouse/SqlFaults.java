package dev.tributary.job.warehouse;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells apart, by SQLSTATE, the two ways PostgreSQL says no.
 *
 * <ul>
 *   <li><b>Refused content</b>: class 22 (data exception: a NUL byte in text, a number or date out
 *       of range), 23 (integrity constraint: a CHECK such as {@code
 *       payments_refunded_within_amount}, NOT NULL) and 54 (program limit: a value too large for an
 *       index). The same row is refused however often it is sent, so retrying is pointless: the row
 *       goes to the dead letters.
 *   <li><b>Transient</b>: class 08 (connection), 40 (serialization failure, deadlock), 53
 *       (insufficient resources), 57 (operator intervention: shutdown, failover) and 58 (system
 *       error), and drivers' transient or recoverable exceptions. They pass; the sink backs off and
 *       retries, and never dead-letters for them.
 * </ul>
 *
 * Anything else (a syntax error, a missing table or privilege) is a fault of the deployment, not of
 * a row: it fails the task loudly, as it should.
 */
final class SqlFaults {
  private SqlFaults() {}

  /** The first SQL exception in {@code t}'s cause chain, following batch next-exceptions. */
  static SQLException sqlCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException sql) {
        if (sql instanceof BatchUpdateException && sql.getNextException() != null) {
          return sql.getNextException();
        }
        return sql;
      }
    }
    return null;
  }

  static boolean refusedContent(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (state != null
          && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
        return true;
      }
    }
    return false;
  }

  static boolean transientFault(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      // no SQLSTATE: the driver lost the connection before the server answered
      return true;
    }
    return state.startsWith("08")
        || state.startsWith("40")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("58");
  }
}
