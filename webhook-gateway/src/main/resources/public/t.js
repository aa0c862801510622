/*
 * Tributary tracker. Served by the gateway at /t.js; embed it on every page of the site:
 *
 *   <script async src="https://<gateway>/t.js" data-site="acme"></script>
 *
 * It sends a pageview on load and on every single-page-app navigation, and keeps two ids:
 *   - the visitor id (v_...), random, in a first-party cookie and in localStorage (either survives);
 *   - the session id (s_...), which ends after 30 minutes without a pageview or when the visitor
 *     arrives through a different campaign (utm tags or ad click id).
 * Checkout code passes them on with the payment (tributary.ids()), so the job can credit the
 * payment to the visits that led to it.
 *
 * API on window.tributary:
 *   identify(email)  tells the gateway who this visitor is (it forwards only a hash of the email)
 *   ids()            {visitorId, sessionId, metadata, clientReferenceId} for checkout metadata
 *   track()          sends a pageview by hand
 *   ready(fn)        calls fn(ids()) once the tracker runs
 * Calls made before the script loads can be queued by a stub (see the gateway README).
 *
 * Options (attributes of the script tag):
 *   data-site         required: the site id configured in the gateway; without it nothing happens
 *   data-respect-dnt  when present, browsers sending Do Not Track or Global Privacy Control are not
 *                     tracked at all (off by default: see the README)
 *
 * Plain ES2017, no dependencies. Every entry point catches its own errors: a tracker must never
 * break the page it measures.
 */
(() => {
  'use strict';

  const VISITOR_KEY = '_trib_vid';
  const SESSION_KEY = '_trib_sid';
  const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
  // Chrome and the cookie spec cap a cookie's lifetime at 400 days; every page load renews it.
  const VISITOR_MAX_AGE_S = 400 * 24 * 60 * 60;
  const VISITOR_ID = /^v_[A-Za-z0-9_-]{22}$/;
  const SESSION_RECORD = /^(s_[A-Za-z0-9_-]{22})\.([a-z0-9]*)\.(\d{1,15})$/;
  const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'];
  // Ad click ids: a new one means a new ad click, hence a new session (they stay in the URL, where
  // the job reads them).
  const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id',
    'twclid', 'dclid', 'epik', 'rdt_cid'];
  // The gateway refuses longer values; a cut URL still counts, a refused one does not.
  const MAX_URL = 2048;
  const MAX_UTM = 256;

  const previous = window.tributary;
  if (previous && previous.loaded) {
    return; // the script is on the page twice: the first copy does the work
  }
  // Calls queued by the stub before the script loaded: [['identify', email], ['ready', fn], ...].
  const queue = previous && Array.isArray(previous.q) ? previous.q : [];

  function noop() {
    return false;
  }

  // What the page gets when tracking is off: the same methods, doing nothing, so that calling
  // code never throws. ids() has no ids; checkout code should leave the metadata out then.
  const disabled = {
    loaded: true,
    enabled: false,
    identify: noop,
    track: noop,
    ids: () => ({ visitorId: null, sessionId: null, metadata: {}, clientReferenceId: null }),
    ready(fn) {
      safely(() => fn(disabled.ids()));
    },
  };

  function safely(fn) {
    try {
      return fn();
    } catch (e) {
      return undefined;
    }
  }

  function start() {
    // document.currentScript is set while a classic script first runs, async or not.
    const script = document.currentScript
      || document.querySelector('script[data-site][src*="/t.js"]');
    const siteId = script && script.getAttribute('data-site');
    if (!siteId) {
      safely(() => console.warn('tributary: the script tag has no data-site; not tracking'));
      return disabled;
    }
    const respectDnt = script.hasAttribute('data-respect-dnt')
      && script.getAttribute('data-respect-dnt') !== 'false';
    const optedOut = navigator.doNotTrack === '1' || window.doNotTrack === '1'
      || navigator.globalPrivacyControl === true;
    if (respectDnt && optedOut) {
      return disabled;
    }
    // Endpoints live next to the script, so a gateway behind a path prefix works too.
    const base = new URL('.', script.src);
    const cookieDomain = findCookieDomain();
    const visitorId = loadVisitorId(cookieDomain);

    let lastUrl = null; // the last pageview's URL, the referrer of the next SPA pageview
    let lastPage = null; // the same without #fragment, for de-duplication

    function pageview(force) {
      const url = location.href;
      const page = url.split('#')[0];
      // Routers call pushState/replaceState without changing the URL (state, scroll position),
      // and in-page anchors only change the fragment: neither is a new page.
      if (!force && page === lastPage) {
        return false;
      }
      // The first pageview's referrer is the browser's; an SPA navigation's is the page before,
      // as a full page load would report it.
      const referrer = lastUrl === null ? document.referrer : lastUrl;
      lastUrl = url;
      lastPage = page;
      const parsed = new URL(url);
      const session = touchSession(cookieDomain, parsed);
      send(base, 'api/v1/events', {
        siteId,
        type: 'pageview',
        visitorId,
        sessionId: session.id,
        url: url.slice(0, MAX_URL),
        referrer: (referrer || '').slice(0, MAX_URL),
        utm: utmTags(parsed),
        ts: Date.now(),
      });
      return true;
    }

    const api = {
      loaded: true,
      enabled: true,
      identify(email) {
        return Boolean(safely(() => {
          // The gateway's rule: at most 254 characters, something before and after the last @.
          const trimmed = typeof email === 'string' ? email.trim() : '';
          const at = trimmed.lastIndexOf('@');
          if (at < 1 || at === trimmed.length - 1 || email.length > 254) {
            return false;
          }
          const session = readSession();
          send(base, 'api/v1/identify', {
            siteId,
            visitorId,
            sessionId: session ? session.id : null,
            email,
            ts: Date.now(),
          });
          return true;
        }));
      },
      ids() {
        // The session of the latest pageview, even if it has timed out since: that is the visit
        // the payment comes from.
        const session = safely(readSession);
        const sessionId = session ? session.id : null;
        const metadata = { tributary_visitor_id: visitorId };
        if (sessionId) {
          metadata.tributary_session_id = sessionId;
        }
        return { visitorId, sessionId, metadata, clientReferenceId: visitorId };
      },
      track() {
        return Boolean(safely(() => pageview(true)));
      },
      ready(fn) {
        safely(() => fn(api.ids()));
      },
    };

    // Single-page apps change pages with the History API; wrap it so those count as pageviews.
    // The check runs after the router's own code (setTimeout), and errors stay inside it.
    const onNavigation = () => setTimeout(() => safely(() => pageview(false)), 0);
    for (const method of ['pushState', 'replaceState']) {
      const original = history[method];
      if (typeof original === 'function') {
        history[method] = function (...args) {
          const result = original.apply(this, args);
          onNavigation();
          return result;
        };
      }
    }
    window.addEventListener('popstate', onNavigation);

    // A page Chrome prerenders may never be seen: count it when (and if) it is shown.
    if (document.prerendering) {
      document.addEventListener('prerenderingchange', () => safely(() => pageview(false)),
        { once: true });
    } else {
      pageview(false);
    }
    return api;
  }

  // Ids: v_/s_ + 22 characters of the URL-safe base64 alphabet, 132 random bits. 256 is a
  // multiple of 64, so "byte & 63" picks every character with the same probability.
  function newId(prefix) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const bytes = crypto.getRandomValues(new Uint8Array(22));
    let id = prefix;
    for (const b of bytes) {
      id += alphabet[b & 63];
    }
    return id;
  }

  // The visitor id: the cookie first (it is shared by all subdomains, e.g. www. and app.), then
  // localStorage (it survives "clear cookies"); whichever is found is written back to both, so a
  // visitor who loses one keeps the id.
  function loadVisitorId(cookieDomain) {
    let id = [readCookie(VISITOR_KEY), readLocal(VISITOR_KEY)]
      .find((value) => VISITOR_ID.test(value || ''));
    if (!id) {
      id = newId('v_');
    }
    writeCookie(VISITOR_KEY, id, VISITOR_MAX_AGE_S, cookieDomain);
    writeLocal(VISITOR_KEY, id);
    return id;
  }

  // The session is stored as "s_<id>.<campaign signature>.<last pageview ms>" in a cookie (for
  // subdomains) and in localStorage (against cookie loss); the newer of the two wins.
  function readSession() {
    let best = null;
    for (const raw of [readCookie(SESSION_KEY), readLocal(SESSION_KEY)]) {
      const m = SESSION_RECORD.exec(raw || '');
      if (m && (!best || Number(m[3]) > best.seen)) {
        best = { id: m[1], sig: m[2], seen: Number(m[3]) };
      }
    }
    return best;
  }

  // The session a pageview of `url` belongs to: the current one, unless it has been idle for 30
  // minutes or the URL carries a campaign (utm tags or a click id) other than the session's.
  // A URL without campaign parameters never ends a session: internal links carry none.
  function touchSession(cookieDomain, url) {
    const now = Date.now();
    const sig = campaignSignature(url);
    let session = readSession();
    const idle = !session || now - session.seen > SESSION_TIMEOUT_MS;
    if (idle || (sig !== '' && sig !== session.sig)) {
      session = { id: newId('s_'), sig, seen: now };
    }
    session.seen = now;
    const raw = `${session.id}.${session.sig}.${session.seen}`;
    writeCookie(SESSION_KEY, raw, SESSION_TIMEOUT_MS / 1000, cookieDomain);
    writeLocal(SESSION_KEY, raw);
    return session;
  }

  // A short fingerprint of the URL's campaign parameters ('' when it has none). FNV-1a keeps the
  // stored value short; it only has to tell campaigns apart, not resist anyone.
  function campaignSignature(url) {
    const parts = [];
    for (const key of UTM_KEYS) {
      const value = url.searchParams.get(`utm_${key}`);
      if (value) parts.push(`utm_${key}=${value}`);
    }
    for (const key of CLICK_IDS) {
      const value = url.searchParams.get(key);
      if (value) parts.push(`${key}=${value}`);
    }
    if (parts.length === 0) {
      return '';
    }
    const text = parts.join('&');
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0).toString(36);
  }

  function utmTags(url) {
    const utm = {};
    for (const key of UTM_KEYS) {
      const value = url.searchParams.get(`utm_${key}`);
      if (value) utm[key] = value.slice(0, MAX_UTM);
    }
    return utm;
  }

  // text/plain keeps the POST a CORS "simple request": no preflight round trip. sendBeacon
  // survives the page being closed; where it is missing or refuses (its queue is full), a
  // keepalive fetch does the same. The answer is never read.
  function send(base, path, payload) {
    const url = new URL(path, base).href;
    const body = JSON.stringify(payload);
    const beaconed = safely(() => navigator.sendBeacon
      && navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' })));
    if (beaconed) {
      return;
    }
    safely(() => fetch(url, {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
      body,
    }).catch(noop));
  }

  // The widest domain this page may set cookies on (acme.com for www.acme.com, acme.co.uk for
  // shop.acme.co.uk), so that every subdomain shares the ids. The browser refuses public suffixes
  // (com, co.uk, github.io), so the first candidate it accepts is the site's own domain.
  // IP addresses and single-label hosts (localhost) get a host-only cookie.
  function findCookieDomain() {
    const host = location.hostname;
    if (!host.includes('.') || /^[\d.]+$/.test(host) || host.includes(':')) {
      return '';
    }
    const labels = host.split('.');
    for (let n = 2; n <= labels.length; n++) {
      const candidate = labels.slice(-n).join('.');
      writeCookie('_trib_probe', '1', 10, candidate);
      if (readCookie('_trib_probe') === '1') {
        writeCookie('_trib_probe', '', 0, candidate);
        return candidate;
      }
    }
    return '';
  }

  function readCookie(name) {
    return safely(() => {
      const m = document.cookie.match(new RegExp(`(?:^|;\\s*)${name}=([^;]*)`));
      return m ? m[1] : null;
    });
  }

  // Values are URL-safe ids, so they need no encoding. SameSite=Lax: the cookie is only read by
  // this script, never needed on cross-site requests. Secure wherever the page is https.
  function writeCookie(name, value, maxAgeSeconds, domain) {
    let cookie = `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; SameSite=Lax`;
    if (domain) cookie += `; Domain=${domain}`;
    if (location.protocol === 'https:') cookie += '; Secure';
    safely(() => {
      document.cookie = cookie;
    });
  }

  // localStorage throws where storage is blocked (some privacy modes, sandboxed frames).
  function readLocal(key) {
    return safely(() => localStorage.getItem(key));
  }

  function writeLocal(key, value) {
    safely(() => localStorage.setItem(key, value));
  }

  const api = safely(start) || disabled;
  window.tributary = api;
  for (const entry of queue) {
    safely(() => {
      const [name, ...args] = Array.from(entry);
      if (name !== 'ids' && typeof api[name] === 'function') {
        api[name](...args);
      }
    });
  }
})();
