// @ts-check
/*!
 * Stadtdialog chat widget v0 — dependency-free, embedded with one tag:
 *   <script src="https://host/widget.js" data-tenant="musterstadt"
 *           data-assistant="buergerservice" defer></script>
 * Optional: data-lang="de|en", data-open="true", data-title="…".
 * Host pages may call window.Stadtdialog.open() / .close() / .ask(text), or mark
 * any element with data-stadtdialog-ask="question" (no inline script needed).
 * The API base URL is the directory of this script's src. The UI lives in an
 * open Shadow DOM; server text is only ever rendered as text, never as HTML.
 */
(function () {
'use strict';

/**
 * @typedef {{ name?: string, tenantName?: string, greeting?: string, suggestedQuestions?: string[], generative?: boolean, plainLanguage?: boolean }} AssistantInfo
 * @typedef {{ index?: number, title?: string, url?: string, section?: string }} Citation
 * @typedef {{ name?: string, phone?: string, email?: string, url?: string, openingHours?: string }} Contact
 * @typedef {{ messageId?: string, answerType?: string, followUps?: string[], contact?: Contact | null, notice?: string }} Done
 * @typedef {{ time?: string, value?: number }} ChartPoint
 * @typedef {{ name?: string, points?: ChartPoint[] }} ChartSeries
 * @typedef {{ title?: string, unit?: string, series?: ChartSeries[], summary?: string }} Chart
 * @typedef {string | Node | null | undefined | false} Child
 */

const w = /** @type {any} */ (window);
// Captured synchronously: document.currentScript is null once this script ran.
const script = /** @type {HTMLScriptElement | null} */ (
  document.currentScript || document.querySelector('script[src*="widget.js"][data-tenant]'));
if (!script || w.Stadtdialog) return; // not embedded properly, or loaded twice
const cfg = script.dataset;
const tenant = cfg.tenant || '';
const assistant = cfg.assistant || '';
if (!tenant || !assistant) {
  console.warn('[Stadtdialog] data-tenant and data-assistant are required.');
  return;
}

const apiBase = new URL('./', script.src || location.href).href;
const enc = encodeURIComponent;
const tenantPath = `api/tenants/${enc(tenant)}`;
const assistantPath = `${tenantPath}/assistants/${enc(assistant)}`;
const STORAGE_KEY = `stadtdialog:${tenant}:${assistant}`;
const MAX_LENGTH = 2000;
const IDLE_TIMEOUT_MS = 60000; // abort when the server stays silent this long

const STRINGS = {
  de: {
    launcher: 'Chat mit der Stadtverwaltung öffnen', close: 'Chat schließen', title: 'Digitaler Assistent',
    log: 'Chatverlauf', you: 'Sie: ', bot: 'Assistent: ', input: 'Ihre Frage', send: 'Senden',
    privacy: 'Bitte geben Sie keine persönlichen Daten ein.', typing: 'Antwort wird erstellt …',
    suggestions: 'Häufige Fragen', followUps: 'Weitere Fragen', sources: 'Quellen', newTab: 'öffnet in neuem Tab',
    contact: 'Kontakt', phone: 'Telefon: ', email: 'E-Mail: ', web: 'Web: ', hours: 'Öffnungszeiten: ',
    rate: 'Bewertung der Antwort', up: 'Antwort war hilfreich', down: 'Antwort war nicht hilfreich',
    thanks: 'Danke für Ihre Rückmeldung!', comment: 'Was hat gefehlt? (optional)',
    feedbackFailed: 'Die Rückmeldung konnte nicht gesendet werden.',
    error: 'Entschuldigung, es ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut.',
    network: 'Der Server ist nicht erreichbar. Bitte versuchen Sie es später erneut.',
    load: 'Der Assistent ist derzeit nicht erreichbar.',
    plain: 'Einfache Sprache', retracted: 'Die Antwort wird überarbeitet …',
    modeAi: 'Antworten schreibt eine KI aus den Seiten der Verwaltung – mit Quellen zum Nachlesen.',
    modeQuoted: 'Antworten werden ohne KI direkt aus den Seiten der Verwaltung zitiert.',
    chartTable: 'Werte als Tabelle', chartTime: 'Zeit', chartSeries: 'Datenreihen', chartScroll: 'Wertetabelle',
  },
  en: {
    launcher: 'Open chat with the city administration', close: 'Close chat', title: 'Digital assistant',
    log: 'Chat history', you: 'You: ', bot: 'Assistant: ', input: 'Your question', send: 'Send',
    privacy: 'Please do not enter any personal data.', typing: 'Writing an answer …',
    suggestions: 'Frequently asked', followUps: 'Related questions', sources: 'Sources', newTab: 'opens in a new tab',
    contact: 'Contact', phone: 'Phone: ', email: 'Email: ', web: 'Web: ', hours: 'Opening hours: ',
    rate: 'Rate this answer', up: 'Answer was helpful', down: 'Answer was not helpful',
    thanks: 'Thank you for your feedback!', comment: 'What was missing? (optional)',
    feedbackFailed: 'Your feedback could not be sent.',
    error: 'Sorry, something went wrong. Please try again.',
    network: 'The server cannot be reached. Please try again later.',
    load: 'The assistant is currently unavailable.',
    plain: 'Plain language', retracted: 'Revising the answer …',
    modeAi: 'Answers are written by an AI from the administration\'s pages – with sources to check.',
    modeQuoted: 'Answers are quoted without AI directly from the administration\'s pages.',
    chartTable: 'Values as a table', chartTime: 'Time', chartSeries: 'Data series', chartScroll: 'Table of values',
  },
};
const lang = cfg.lang === 'en' ? 'en' : 'de';
const t = STRINGS[lang];
const locale = lang === 'en' ? 'en-GB' : 'de-DE';

// WCAG AA contrast: #fff on #0a4d8c 8.6:1, #4a5563 on #fff 7.6:1,
// #8a1020 on #fdecee 8.5:1; borders of inputs (#6b7785) 4.6:1.
const CSS = `
:host{all:initial}
*,::before,::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a}
.sr-only,.msg[data-who]::before{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.msg[data-who]::before{content:attr(data-who)}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus{outline:none}
:focus-visible{outline:3px solid #0b1f33;outline-offset:2px;box-shadow:0 0 0 8px #fff}
a{color:#0a4d8c}
a:hover{color:#062e53;text-decoration-thickness:2px}
.launcher{position:fixed;right:1.25rem;bottom:1.25rem;z-index:2147483000;display:grid;place-items:center;width:3.75rem;height:3.75rem;padding:0;border:2px solid #fff;border-radius:50%;background:#0a4d8c;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.3)}
.launcher:hover,.btn:hover{background:#083b6b}
.launcher svg{width:1.75rem;height:1.75rem;fill:currentColor}
[aria-expanded=true] .i-chat,[aria-expanded=false] .i-close{display:none}
.panel{position:fixed;right:1.25rem;bottom:6rem;z-index:2147483001;display:flex;flex-direction:column;width:24rem;max-width:calc(100vw - 2.5rem);height:36rem;max-height:calc(100vh - 7.5rem);overflow:hidden;background:#fff;border:1px solid #8a96a3;border-radius:.75rem;box-shadow:0 10px 40px rgba(0,0,0,.25);animation:sd-in .18s ease-out}
@keyframes sd-in{from{opacity:0;transform:translateY(.5rem)}}
.header{display:flex;align-items:center;gap:.75rem;padding:.75rem .75rem .75rem 1rem;background:#0a4d8c;color:#fff}
.header :focus-visible{outline-color:#fff;box-shadow:none}
.title{margin:0;font-size:1.0625rem;line-height:1.3}
.subtitle{margin:0;font-size:.8125rem}
.close{flex:none;margin-left:auto;width:2.75rem;height:2.75rem;border:0;border-radius:.375rem;background:none;font-size:1.75rem;line-height:1}
.close:hover{background:rgba(255,255,255,.18)}
.log{flex:1;display:flex;flex-direction:column;gap:.75rem;padding:1rem;overflow-y:auto;overscroll-behavior:contain;background:#f5f7fa}
.msg{position:relative;max-width:92%;padding:.625rem .875rem;border-radius:.75rem;font-size:.9375rem;overflow-wrap:anywhere}
.bot{align-self:flex-start;background:#fff;border:1px solid #c4cdd8;border-bottom-left-radius:.25rem}
.user{align-self:flex-end;background:#0a4d8c;color:#fff;border-bottom-right-radius:.25rem;white-space:pre-wrap}
.error{align-self:stretch;max-width:none;background:#fdecee;border:1px solid #d98a96;color:#8a1020}
.label{margin:.75rem 0 .25rem;font-size:.8125rem;font-weight:700;color:#4a5563}
ol,ul{margin:0;padding-left:1.25rem;font-size:.875rem}
.contact ul{list-style:none;padding:0}
.chips{display:flex;flex-wrap:wrap;gap:.5rem}
.chip{padding:.375rem .75rem;border:1px solid #0a4d8c;border-radius:1rem;background:#fff;color:#0a4d8c;font-size:.875rem;line-height:1.3;text-align:left}
.chip:hover,.fb:hover,.fb[aria-pressed=true]{background:#e8f0f8}
.feedback{display:flex;flex-wrap:wrap;align-items:center;gap:.375rem;margin-top:.625rem}
.fb{min-width:2.5rem;min-height:2.25rem;border:1px solid #6b7785;border-radius:.375rem;background:#fff;line-height:1}
.fb[aria-pressed=true]{border-color:#0a4d8c;box-shadow:inset 0 0 0 1px #0a4d8c}
.note,.hint,.comment label{margin:0;font-size:.8125rem;color:#4a5563}
.notice{margin:.5rem 0 0;padding:.375rem .5rem;border-left:3px solid #8a5a00;background:#fff8e6;font-size:.8125rem;color:#3d2b00}
.options{display:flex;align-items:center;gap:.375rem;margin:.25rem 0;font-size:.875rem}
.options input{flex:none;width:1.125rem;height:1.125rem;margin:0;padding:0}
.comment{display:flex;flex-wrap:wrap;gap:.375rem;width:100%}
.comment label{width:100%}
input,textarea{flex:1;min-width:0;border:1px solid #6b7785;background:#fff}
input{padding:.375rem .5rem;border-radius:.375rem;font-size:.875rem}
.btn{padding:.375rem .75rem;border:0;border-radius:.375rem;background:#0a4d8c;color:#fff;font-size:.875rem;font-weight:600}
.btn:disabled{background:#5f6b7a;cursor:not-allowed}
.composer{padding:.75rem 1rem;border-top:1px solid #c4cdd8}
.row{display:flex;align-items:flex-end;gap:.5rem;margin-bottom:.5rem}
textarea{min-height:2.75rem;max-height:8rem;padding:.625rem .75rem;border-radius:.5rem;font-size:1rem;line-height:1.4;resize:none}
.send{min-height:2.75rem;padding:0 1rem;font-size:1rem}
.typing{display:flex;gap:.3rem;padding:.875rem}
.typing span{width:.5rem;height:.5rem;border-radius:50%;background:#4a5563;animation:sd-dot 1s infinite}
.typing span:nth-child(2){animation-delay:.15s}
.typing span:nth-child(3){animation-delay:.3s}
@keyframes sd-dot{0%,80%,100%{opacity:.3}40%{opacity:1}}
.msg.has-chart{align-self:stretch;max-width:none}
.chart{margin:.75rem 0 0;padding:0}
.chart figcaption{font-size:.875rem}
.chart figcaption strong{display:block}
.chart svg{display:block;width:100%;height:auto;margin-top:.375rem;overflow:visible;color:#1a1a1a}
.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#4a5563}
.chart .grid{stroke:var(--sd-chart-grid,#d5dbe3);stroke-width:1}
.chart .axis{stroke:var(--sd-chart-axis,#6b7785);stroke-width:1}
.chart .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.chart .val{font-weight:700;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.chart .s0{stroke:var(--sd-chart-1,#0a4d8c);fill:var(--sd-chart-1,#0a4d8c)}
.chart .s1{stroke:var(--sd-chart-2,#b3261e);fill:var(--sd-chart-2,#b3261e)}
.chart .s2{stroke:var(--sd-chart-3,#1d6b34);fill:var(--sd-chart-3,#1d6b34)}
.chart .s3{stroke:var(--sd-chart-4,#7a4a00);fill:var(--sd-chart-4,#7a4a00)}
.chart .line.s0,.chart .line.s1,.chart .line.s2,.chart .line.s3{fill:none}
.chart .val.s0,.chart .val.s1,.chart .val.s2,.chart .val.s3{stroke:#fff}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.375rem 0 0;padding:0;list-style:none;font-size:.8125rem}
.legend li{display:flex;align-items:center;gap:.375rem}
.legend svg{flex:none;width:1.75rem;height:.75rem;margin:0;overflow:visible}
.chart details{margin-top:.5rem;font-size:.8125rem}
.chart summary{cursor:pointer;color:#0a4d8c;text-decoration:underline}
.table-wrap{max-width:100%;overflow-x:auto;margin-top:.375rem}
.chart table{width:100%;border-collapse:collapse;font-size:.8125rem;font-variant-numeric:tabular-nums}
.chart caption{text-align:left;font-weight:700;padding-bottom:.25rem}
.chart th,.chart td{padding:.125rem .3125rem;border-bottom:1px solid #c4cdd8;text-align:right;white-space:nowrap}
.chart th[scope=row],.chart thead th:first-child{text-align:left}
.chart th[scope=row]{font-weight:400}
.chart thead th{border-bottom:2px solid #6b7785;white-space:normal;vertical-align:bottom;font-size:.75rem;hyphens:auto}
@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border:0;border-radius:0}}
@media (prefers-reduced-motion:reduce){*,::before,::after{animation:none!important;transition:none!important}}
@media (forced-colors:active){.launcher,.chip,.fb,.btn,.msg{border:1px solid CanvasText}
.chart svg{forced-color-adjust:none;color:CanvasText}
.chart text{fill:CanvasText}
.chart .grid{stroke:GrayText}
.chart .axis,.chart .line.s0,.chart .line.s1,.chart .line.s2,.chart .line.s3{stroke:CanvasText}
.chart .mark{fill:CanvasText;stroke:CanvasText}
.chart .val,.chart .val.s0,.chart .val.s1,.chart .val.s2,.chart .val.s3{fill:CanvasText;stroke:Canvas}
.chart summary{color:LinkText}}
`;

// ----- Helpers -----

/**
 * Creates an element. Attribute "text" sets textContent, "on…" keys add
 * listeners, null/false values are skipped; string children become text nodes.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const c of children) if (c != null && c !== false) el.append(c);
  return el;
}

/** Decorative inline SVG icon. @param {string} cls @param {string} d path data (24×24) */
function icon(cls, d) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const path = document.createElementNS(ns, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', cls);
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** Appends plain text, turning newlines into <br>. @param {Element} el @param {string} text */
function appendText(el, text) {
  text.split(/\r\n?|\n/).forEach((part, i) => {
    if (i) el.append(h('br'));
    if (part) el.append(part);
  });
}

/** Resolves a (relative) URL against the API base; only http(s) passes. @param {unknown} url */
function safeUrl(url) {
  try {
    const u = new URL(String(url || '').trim(), apiBase);
    return url && /^https?:$/.test(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/** @param {string} path relative to the API base, already encoded */
const api = (path) => new URL(path, apiBase).href;

/** sessionStorage may be unavailable (privacy modes, sandboxed iframes). @param {string | null} [id] */
function storeConversation(id) {
  try {
    if (id === undefined) return sessionStorage.getItem(STORAGE_KEY);
    if (id) sessionStorage.setItem(STORAGE_KEY, id);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch { /* ignore */ }
  return null;
}

/** HTTP error; `title` comes from the RFC 7807 body and may be shown to the user. */
class ApiError extends Error {
  /** @param {number} status @param {string} [title] */
  constructor(status, title) {
    super(title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

/**
 * fetch() wrapper for the JSON API; throws ApiError on non-2xx.
 * @param {string} method @param {string} path @param {object} [body]
 * @param {Record<string, string>} [headers] @param {AbortSignal} [signal]
 */
async function request(method, path, body, headers, signal) {
  const res = await fetch(api(path), {
    method, signal, credentials: 'omit',
    headers: { Accept: 'application/json', ...(body && { 'Content-Type': 'application/json' }), ...headers },
    body: body && JSON.stringify(body),
  });
  if (res.ok) return res;
  /** @type {{ title?: unknown }} */
  let problem = {};
  try { problem = await res.json(); } catch { /* not problem+json */ }
  throw new ApiError(res.status, typeof problem.title === 'string' ? problem.title : undefined);
}

/**
 * Incremental Server-Sent Events parser: "event"/"data" fields, comments,
 * CRLF/LF/CR line endings, chunks split at any position.
 * @param {(event: string, data: string) => void} onEvent
 */
function createSseParser(onEvent) {
  let buffer = '';
  let event = '';
  /** @type {string[]} */
  let data = [];
  /** @param {string} line */
  const onLine = (line) => {
    if (!line) {
      if (data.length) onEvent(event || 'message', data.join('\n'));
      event = '';
      data = [];
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment / keep-alive
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  return {
    /** @param {string} chunk */
    push(chunk) {
      buffer += chunk;
      const re = /\r\n|\r|\n/g;
      let start = 0;
      for (let m; (m = re.exec(buffer));) {
        // A trailing "\r" may be the first half of a "\r\n" split across chunks.
        if (m[0] === '\r' && re.lastIndex === buffer.length) break;
        onLine(buffer.slice(start, m.index));
        start = re.lastIndex;
      }
      buffer = buffer.slice(start);
    },
    /** End of stream; leniently dispatches a last event lacking its blank line. */
    end() {
      onLine(buffer.replace(/\r$/, ''));
      onLine('');
      buffer = '';
    },
  };
}

// ----- DOM skeleton -----

const host = h('div', { id: 'stadtdialog-widget' });
const shadow = host.attachShadow({ mode: 'open' });

const launcher = h('button', {
  type: 'button', class: 'launcher', 'data-testid': 'launcher', 'aria-label': t.launcher,
  'aria-expanded': 'false', 'aria-controls': 'sd-panel', onclick: () => (panel.hidden ? open() : close()),
},
icon('i-chat', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z'),
icon('i-close', 'M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z'));

const title = h('h2', { id: 'sd-title', class: 'title', text: cfg.title || t.title });
const subtitle = h('p', { class: 'subtitle', hidden: true });
const log = h('div', {
  class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
  'aria-label': t.log, 'aria-busy': 'false', tabindex: '0',
});
const status = h('div', { class: 'sr-only', role: 'status' });
const input = /** @type {HTMLTextAreaElement} */ (h('textarea', {
  id: 'sd-input', rows: 1, maxlength: MAX_LENGTH, placeholder: t.input + ' …', 'aria-describedby': 'sd-hint',
  'data-testid': 'input', oninput: autoGrow,
  onkeydown: (/** @type {KeyboardEvent} */ e) => {
    // Enter sends, Shift+Enter inserts a newline; IME composition is left alone.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
  },
}));
const sendButton = /** @type {HTMLButtonElement} */ (h('button', {
  type: 'submit', class: 'btn send', 'data-testid': 'send', text: t.send }));
const plainToggle = /** @type {HTMLInputElement} */ (h('input', {
  id: 'sd-plain', type: 'checkbox', 'data-testid': 'plain-language',
  onchange: () => { plainToggle.dataset.touched = 'true'; } }));
const mode = h('p', { class: 'hint', 'data-testid': 'mode', hidden: true });

const panel = h('div', {
  id: 'sd-panel', class: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'sd-title',
  'data-testid': 'panel', hidden: true,
},
h('div', { class: 'header' },
  h('div', null, title, subtitle),
  h('button', { type: 'button', class: 'close', 'aria-label': t.close, onclick: () => close() }, '×')),
log,
status,
h('form', { class: 'composer', onsubmit: submit },
  h('label', { for: 'sd-input', class: 'sr-only', text: t.input }),
  h('div', { class: 'row' }, input, sendButton),
  h('div', { class: 'options' }, plainToggle, h('label', { for: 'sd-plain', text: t.plain })),
  h('p', { id: 'sd-hint', class: 'hint', text: t.privacy }),
  mode));

const root = h('div', {
  class: 'root', lang,
  onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Escape' && !panel.hidden && close(true),
}, panel, launcher, h('span', { id: 'sd-newtab', hidden: true, text: t.newTab }));
shadow.append(h('style', { text: CSS }), root);

// ----- UI state -----

let conversationId = storeConversation();
let busy = false;
let uid = 0; // for unique element ids
/** @type {Promise<void> | null} */
let configLoaded = null;

/** @param {boolean} [focus] move focus to the input */
function open(focus = true) {
  panel.hidden = false;
  launcher.setAttribute('aria-expanded', 'true');
  loadConfig();
  scrollToEnd(true);
  if (focus) input.focus();
}

/** Focus returns to the launcher if it was inside the panel. @param {boolean} [returnFocus] force that */
function close(returnFocus) {
  const refocus = returnFocus || panel.contains(shadow.activeElement);
  panel.hidden = true;
  launcher.setAttribute('aria-expanded', 'false');
  if (refocus) launcher.focus();
}

/** @param {boolean} on */
function setBusy(on) {
  busy = on;
  log.setAttribute('aria-busy', String(on));
  sendButton.disabled = on;
  status.textContent = on ? t.typing : '';
}

const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 64;

/** @param {boolean} [force] also when the user has scrolled up */
function scrollToEnd(force) {
  if (force || nearBottom()) log.scrollTop = log.scrollHeight;
}

function autoGrow() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight + 2, 128)}px`;
}

/** @param {Event} e */
function submit(e) {
  e.preventDefault();
  if (busy || !input.value.trim()) return;
  const text = input.value;
  input.value = '';
  autoGrow();
  input.focus(); // keep focus here: the send button gets disabled
  ask(text);
}

// ----- Rendering -----

/** @param {string} message */
function showError(message) {
  log.append(h('div', { class: 'msg error', role: 'alert', 'data-testid': 'message-error', text: message }));
  scrollToEnd(true);
}

/** Group of question buttons that ask on click. @param {unknown} questions @param {string} label @param {string} testId */
function chips(questions, label, testId) {
  const list = Array.isArray(questions) ? questions.filter((q) => typeof q === 'string' && q.trim()) : [];
  return list.length > 0 && h('div', { role: 'group', 'aria-label': label },
    h('p', { class: 'label', 'aria-hidden': 'true', text: label }),
    h('div', { class: 'chips' }, ...list.map((q) => h('button', {
      type: 'button', class: 'chip', 'data-testid': testId, text: q, onclick: () => ask(q),
    }))));
}

/** Link opening in a new tab; plain text if not http(s). @param {unknown} url @param {string} text @param {string} [testId] */
function link(url, text, testId) {
  const href = safeUrl(url);
  return href
    ? h('a', { href, target: '_blank', rel: 'noopener', 'data-testid': testId, 'aria-describedby': 'sd-newtab' }, text)
    : h('span', { text });
}

/** @param {AssistantInfo} info */
function renderGreeting(info) {
  if (info.name && !cfg.title) title.textContent = info.name;
  subtitle.textContent = info.tenantName || '';
  subtitle.hidden = !info.tenantName;
  // The assistant's default, unless the citizen already chose while the profile was loading.
  if (!plainToggle.dataset.touched) plainToggle.checked = info.plainLanguage === true;
  mode.textContent = info.generative ? t.modeAi : t.modeQuoted;
  mode.hidden = false;
  const el = h('div', { class: 'msg bot', 'data-who': t.bot, 'data-testid': 'greeting' });
  appendText(el, info.greeting || '');
  el.append(chips(info.suggestedQuestions, t.suggestions, 'suggestion') || '');
  log.prepend(el);
}

/** Loads the assistant profile (name, greeting, suggestions) once. */
function loadConfig() {
  if (!configLoaded) {
    configLoaded = request('GET', assistantPath)
      .then((res) => res.json())
      .then(renderGreeting, (err) => {
        console.warn('[Stadtdialog]', err);
        showError(t.load);
      });
  }
  return configLoaded;
}

/** @param {Contact} c */
function renderContact(c) {
  const phone = String(c.phone || '').trim();
  const email = String(c.email || '').trim();
  return h('div', { class: 'contact', 'data-testid': 'contact' },
    h('p', { class: 'label', text: c.name ? `${t.contact}: ${c.name}` : t.contact }),
    h('ul', null,
      phone && h('li', null, t.phone, h('a', { href: `tel:${phone.replace(/[^\d+]/g, '')}`, text: phone })),
      /^[^\s@<>"]+@[^\s@<>"]+$/.test(email) && h('li', null, t.email, h('a', { href: `mailto:${email}`, text: email })),
      safeUrl(c.url) && h('li', null, t.web, link(c.url, String(c.url))),
      c.openingHours && h('li', null, t.hours, String(c.openingHours))));
}

/**
 * 👍/👎 buttons; after 👎 an optional comment can be sent. Each action POSTs
 * the current rating, so the server should treat feedback as an upsert.
 * @param {string} path feedback endpoint
 */
function renderFeedback(path) {
  const note = h('p', { class: 'note', role: 'status' });
  /** @type {HTMLElement | null} */
  let commentForm = null;

  /** @param {string} rating @param {string} [comment] */
  const send = (rating, comment) => request('POST', path, { rating, comment }).then(
    () => { note.textContent = t.thanks; return true; },
    () => { note.textContent = t.feedbackFailed; return false; });

  /** @param {'up' | 'down'} rating */
  async function rate(rating) {
    const pressed = rating === 'up' ? up : down;
    if (pressed.getAttribute('aria-pressed') === 'true') return;
    up.setAttribute('aria-pressed', String(rating === 'up'));
    down.setAttribute('aria-pressed', String(rating === 'down'));
    if (commentForm) commentForm.hidden = rating === 'up';
    if (!(await send(rating))) return pressed.setAttribute('aria-pressed', 'false');
    if (rating === 'down' && !commentForm) {
      const field = /** @type {HTMLInputElement} */ (h('input', {
        id: `sd-comment-${++uid}`, maxlength: 500, 'data-testid': 'feedback-comment' }));
      commentForm = h('form', {
        class: 'comment',
        onsubmit: async (/** @type {Event} */ e) => {
          e.preventDefault();
          if (field.value.trim() && (await send('down', field.value.trim()))) commentForm?.remove();
        },
      }, h('label', { for: field.id, text: t.comment }), field, h('button', { class: 'btn', text: t.send }));
      group.append(commentForm);
      field.focus();
    }
  }

  /** @param {'up' | 'down'} rating @param {string} emoji */
  const button = (rating, emoji) => h('button', { type: 'button', class: 'fb', 'aria-label': t[rating],
    'aria-pressed': 'false', 'data-testid': `feedback-${rating}`, onclick: () => rate(rating) }, emoji);
  const up = button('up', '👍');
  const down = button('down', '👎');
  const group = h('div', { class: 'feedback', role: 'group', 'aria-label': t.rate }, up, down, note);
  return group;
}

// ----- Charts (SSE "chart": measured values as an accessible inline SVG line chart) -----

const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_SERIES = 4;
const MAX_POINTS = 1000;
// Not colour alone (WCAG 1.4.1): every series also has its own dash pattern and marker shape.
const DASHES = ['', '6 3', '2 3', '9 3 2 3'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond'];
const HOUR = 3600000;
const DAY = 24 * HOUR;
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720].map((m) => m * 60000)
  .concat([1, 2, 7, 14, 28, 91, 182, 365].map((d) => d * DAY));

/**
 * Creates an SVG element; attributes as in h() ("text" sets textContent).
 * @param {string} tag @param {Record<string, unknown> | null} [attrs] @param {...Child} children
 */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, String(value));
  }
  for (const c of children) if (c != null && c !== false) el.append(c);
  return el;
}

/** Rounds for SVG coordinates. @param {number} n */
const r1 = (n) => Math.round(n * 10) / 10;

/** Marker shape of series i centred at (x, y). @param {number} i @param {number} x @param {number} y @param {number} [size] */
function marker(i, x, y, size = 4) {
  const cls = `mark s${i}`;
  switch (MARKERS[i % MARKERS.length]) {
    case 'square': return s('rect', { class: cls, x: r1(x - size), y: r1(y - size), width: size * 2, height: size * 2 });
    case 'triangle': return s('path', { class: cls, d: `M${r1(x)} ${r1(y - size * 1.2)}L${r1(x + size * 1.1)} ${r1(y + size * 0.9)}H${r1(x - size * 1.1)}Z` });
    case 'diamond': return s('path', { class: cls, d: `M${r1(x)} ${r1(y - size * 1.3)}L${r1(x + size * 1.1)} ${r1(y)}L${r1(x)} ${r1(y + size * 1.3)}L${r1(x - size * 1.1)} ${r1(y)}Z` });
    default: return s('circle', { class: cls, cx: r1(x), cy: r1(y), r: size });
  }
}

/**
 * 3–5 nicely rounded ticks (steps 1, 2, 2.5, 5 × 10^n) and the value range to draw, which contains the data
 * and the ticks (with a little headroom).
 * @param {number} min @param {number} max
 * @returns {{ ticks: number[], decimals: number, lo: number, hi: number }}
 */
function niceTicks(min, max) {
  if (max - min < 1e-9 * Math.max(1, Math.abs(max))) {
    const pad = Math.abs(min) * 0.1 || 1; // all values equal: a band around them
    min -= pad;
    max += pad;
  }
  const exp = Math.floor(Math.log10((max - min) / 4));
  for (const outer of [false, true]) { // ticks inside the data range first, else ticks enclosing it
    for (let k = exp - 1; k <= exp + 2; k++) {
      for (const m of [1, 2, 2.5, 5]) {
        const step = m * 10 ** k;
        const first = (outer ? Math.floor(min / step + 1e-9) : Math.ceil(min / step - 1e-9)) * step;
        const last = (outer ? Math.ceil(max / step - 1e-9) : Math.floor(max / step + 1e-9)) * step;
        const n = Math.round((last - first) / step) + 1;
        if (n > 5) continue;
        if (n < 3) break; // larger steps give fewer ticks still
        const decimals = Math.max(0, -k + (m === 2.5 ? 1 : 0));
        const ticks = Array.from({ length: n }, (_, i) => Number((first + i * step).toFixed(decimals + 2)));
        const lo = Math.min(min, ticks[0]);
        const hi = Math.max(max, ticks[n - 1]);
        const pad = outer ? 0 : (hi - lo) * 0.04;
        return { ticks, decimals, lo: lo - pad, hi: hi + pad };
      }
    }
  }
  return { ticks: [min, max], decimals: 2, lo: min, hi: max };
}

/**
 * Time ticks at round local times (browser time zone), at most maxTicks.
 * @param {number} min @param {number} max @param {number} maxTicks
 */
function timeTicks(min, max, maxTicks) {
  const range = max - min;
  const step = TIME_STEPS.find((st) => Math.floor(range / st) + 1 <= maxTicks) || Math.ceil(range / (maxTicks - 1) / DAY) * DAY;
  const origin = new Date(min);
  origin.setHours(0, 0, 0, 0); // local midnight: ticks fall on full local hours/days
  /** @type {number[]} */
  const ticks = [];
  if (step >= DAY) {
    const days = Math.round(step / DAY);
    for (const d = new Date(origin); d.getTime() <= max && ticks.length < 50; d.setDate(d.getDate() + days)) {
      if (d.getTime() >= min) ticks.push(d.getTime());
    }
  } else {
    for (let x = origin.getTime() + Math.ceil((min - origin.getTime()) / step) * step; x <= max && ticks.length < 50; x += step) {
      ticks.push(x);
    }
  }
  return ticks;
}

/**
 * Valid series: finite values with parseable times, sorted by time.
 * @param {unknown} series
 * @returns {{ name: string, points: { time: number, value: number }[] }[]}
 */
function cleanSeries(series) {
  return (Array.isArray(series) ? series : []).slice(0, MAX_SERIES).map((raw, i) => {
    const name = String(raw?.name ?? '').trim().slice(0, 200) || `${i + 1}`;
    const points = (Array.isArray(raw?.points) ? raw.points : []).slice(0, MAX_POINTS)
      .map((/** @type {any} */ p) => ({ time: Date.parse(String(p?.time ?? '')), value: p?.value }))
      .filter((p) => Number.isFinite(p.time) && typeof p.value === 'number' && Number.isFinite(p.value))
      .sort((a, b) => a.time - b.time);
    return { name, points };
  });
}

/**
 * The chart as a <figure>: caption (title + summary, the SVG's text alternative), the SVG, a legend and
 * all values in a table. Server text is only set as textContent. Null when there is nothing to draw.
 * @param {Chart} chart
 */
function renderChart(chart) {
  if (!chart || typeof chart !== 'object') return null;
  const series = cleanSeries(chart.series);
  const all = series.flatMap((x) => x.points);
  if (!all.length) return null;
  const title = String(chart.title ?? '').trim().slice(0, 300);
  const unit = String(chart.unit ?? '').trim().slice(0, 40);
  const summary = String(chart.summary ?? '').trim().slice(0, 2000);
  const id = `sd-chart-${++uid}`;

  // Domain
  let tMin = Math.min(...all.map((p) => p.time));
  let tMax = Math.max(...all.map((p) => p.time));
  if (tMax === tMin) {
    tMin -= HOUR / 2;
    tMax += HOUR / 2;
  }
  const y = niceTicks(Math.min(...all.map((p) => p.value)), Math.max(...all.map((p) => p.value)));
  const yMin = y.lo;
  const yMax = y.hi;
  const valueFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const tickFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: y.decimals, maximumFractionDigits: y.decimals });
  const dayKey = (/** @type {number} */ ms) => new Date(ms).toDateString();
  const spansDays = dayKey(tMin) !== dayKey(tMax);
  const hourFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const dayFormat = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit' });
  const fullFormat = new Intl.DateTimeFormat(locale, spansDays
    ? { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }
    : { hour: '2-digit', minute: '2-digit' });

  // Layout in viewBox units; the SVG scales to the bubble's width (about 0.85–1.2 px per unit).
  const W = 300;
  const labels = y.ticks.map((v) => tickFormat.format(v));
  const left = Math.max(28, Math.max(...labels.map((l) => l.length)) * 7 + 8);
  const top = 22;
  const right = 18;
  const bottom = spansDays ? 36 : 22;
  const plotH = 130;
  const H = top + plotH + bottom;
  const plotW = W - left - right;
  const px = (/** @type {number} */ tm) => left + ((tm - tMin) / (tMax - tMin)) * plotW;
  const py = (/** @type {number} */ v) => top + (1 - (v - yMin) / (yMax - yMin)) * plotH;

  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-caption`, focusable: 'false',
    preserveAspectRatio: 'xMidYMid meet', 'data-testid': 'chart-svg',
  });
  const grid = s('g');
  const axes = s('g');
  svg.append(grid, axes);

  // y axis: grid lines, tick labels, unit
  y.ticks.forEach((v, i) => {
    const yy = r1(py(v));
    grid.append(s('line', { class: 'grid', x1: left, x2: W - right, y1: yy, y2: yy }));
    axes.append(s('text', { x: left - 6, y: yy + 4, 'text-anchor': 'end', text: labels[i] }));
  });
  if (unit) axes.append(s('text', { x: 2, y: 12, text: unit }));
  axes.append(s('line', { class: 'axis', x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));

  // x axis: time labels (HH:MM; with the day where it changes when the range spans days)
  let lastDay = '';
  for (const tick of timeTicks(tMin, tMax, Math.max(2, Math.floor(plotW / 56)))) {
    const xx = r1(px(tick));
    grid.append(s('line', { class: 'grid', x1: xx, x2: xx, y1: top, y2: top + plotH }));
    axes.append(s('line', { class: 'axis', x1: xx, x2: xx, y1: top + plotH, y2: top + plotH + 4 }));
    const label = s('text', { x: xx, y: top + plotH + 17, 'text-anchor': 'middle', text: hourFormat.format(tick) });
    if (spansDays && dayKey(tick) !== lastDay) {
      lastDay = dayKey(tick);
      label.append(s('tspan', { x: xx, dy: 13, text: dayFormat.format(tick) }));
    }
    axes.append(label);
  }

  // Lines, then the last value of each series with a marker and its value
  /** @type {{ x: number, y: number, text: string, i: number }[]} */
  const ends = [];
  series.forEach((ser, i) => {
    if (!ser.points.length) return;
    const d = ser.points.map((p, j) => `${j ? 'L' : 'M'}${r1(px(p.time))} ${r1(py(p.value))}`).join('');
    svg.append(s('path', { class: `line s${i}`, d, 'stroke-dasharray': DASHES[i] || null }));
    const last = ser.points[ser.points.length - 1];
    ends.push({ x: px(last.time), y: py(last.value), text: valueFormat.format(last.value), i });
  });
  // Value labels sit above their marker, pushed apart vertically so that they do not overlap.
  ends.sort((a, b) => a.y - b.y);
  let prev = -Infinity;
  for (const end of ends) {
    let ly = Math.max(end.y - 8, top - 8, prev + 13);
    prev = ly;
    svg.append(marker(end.i, end.x, end.y));
    svg.append(s('text', { class: `val s${end.i}`, x: r1(end.x - 7), y: r1(ly), 'text-anchor': 'end', text: end.text }));
  }

  // Legend: line sample with dash pattern and marker, then the name (as text)
  const legend = h('ul', { class: 'legend', 'aria-label': t.chartSeries, 'data-testid': 'chart-legend' },
    ...series.map((ser, i) => h('li', null,
      s('svg', { viewBox: '0 0 28 12', 'aria-hidden': 'true', focusable: 'false' },
        s('line', { class: `line s${i}`, x1: 1, x2: 27, y1: 6, y2: 6, 'stroke-dasharray': DASHES[i] || null }),
        marker(i, 14, 6, 3.5)),
      h('span', { text: ser.name }))));

  // All values as a table: one row per time, one column per series
  const times = [...new Set(all.map((p) => p.time))].sort((a, b) => a - b);
  const byTime = series.map((ser) => new Map(ser.points.map((p) => [p.time, p.value])));
  const table = h('table', null,
    h('caption', { text: title || t.chartTable }),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', text: t.chartTime }),
      ...series.map((ser) => h('th', { scope: 'col', text: unit ? `${ser.name} (${unit})` : ser.name })))),
    h('tbody', null, ...times.map((tm) => h('tr', null,
      h('th', { scope: 'row', text: fullFormat.format(tm) }),
      ...byTime.map((m) => h('td', { text: m.has(tm) ? valueFormat.format(/** @type {number} */ (m.get(tm))) : '–' }))))));

  return h('figure', { class: 'chart', 'data-testid': 'chart' },
    h('figcaption', { id: `${id}-caption` },
      title && h('strong', { text: title }),
      summary && h('span', { text: (title ? ' ' : '') + summary })),
    svg,
    legend,
    h('details', null,
      h('summary', { text: t.chartTable }),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t.chartScroll }, table)));
}

/**
 * A bot answer filled from stream events. It is attached to the log on the
 * first event, replacing the typing indicator.
 * @param {Element} typing
 */
function createAnswer(typing) {
  const text = h('div');
  const el = h('div', { class: 'msg bot', 'data-who': t.bot, 'data-testid': 'message-bot' }, text);
  /** @type {HTMLElement | null} */
  let sources = null;
  /** @type {HTMLElement | null} */
  let figure = null;
  const attach = () => el.isConnected || (typing.isConnected ? typing.replaceWith(el) : log.append(el));

  return {
    /** @param {string} delta */
    delta(delta) {
      attach();
      const stick = nearBottom();
      appendText(text, delta);
      scrollToEnd(stick);
    },
    /** The text so far failed a check on the server; a replacement follows. */
    retract() {
      text.textContent = '';
      // A chart belongs to the retracted text; the replacement brings its own.
      figure?.remove();
      figure = null;
      el.classList.remove('has-chart');
      status.textContent = t.retracted;
    },
    /** Chart of measured values, below the text and above the sources. @param {Chart} c */
    chart(c) {
      const next = renderChart(c);
      if (!next) return;
      attach();
      const stick = nearBottom();
      if (figure) figure.replaceWith(next);
      else if (sources) sources.before(next);
      else text.after(next);
      figure = next;
      el.classList.add('has-chart');
      scrollToEnd(stick);
    },
    /** @param {Citation} c */
    citation(c) {
      const name = String(c.title || c.url || '').trim();
      if (!name) return;
      attach();
      if (!sources) {
        sources = h('div', { class: 'sources', 'data-testid': 'sources' }, h('p', { class: 'label', text: t.sources }), h('ol'));
        el.append(sources);
      }
      // Keep the server's numbering so "[2]" in the text matches source 2.
      const value = Number.isInteger(c.index) && Number(c.index) > 0 ? c.index : null;
      /** @type {Element} */ (sources.lastChild).append(h('li', { value }, link(c.url, c.section ? `${name} – ${c.section}` : name, 'source-link')));
      scrollToEnd();
    },
    /** @param {Done} d @param {string} conversation */
    done(d, conversation) {
      attach();
      el.dataset.answerType = String(d.answerType || '');
      if (typeof d.notice === 'string' && d.notice) text.after(h('p', { class: 'notice', 'data-testid': 'notice', text: d.notice }));
      if (d.contact && typeof d.contact === 'object') text.after(renderContact(d.contact));
      el.append(chips(d.followUps, t.followUps, 'followup') || '');
      if (typeof d.messageId === 'string' && d.messageId) {
        el.append(renderFeedback(`${tenantPath}/conversations/${enc(conversation)}/messages/${enc(d.messageId)}/feedback`));
      }
      scrollToEnd();
    },
  };
}

// ----- Conversation & streaming -----

/** Creates the conversation lazily and remembers it for this browser tab. @param {AbortSignal} signal */
async function conversation(signal) {
  if (!conversationId) {
    const conv = await (await request('POST', `${assistantPath}/conversations`, {}, {}, signal)).json();
    if (typeof conv?.id !== 'string') throw new Error('conversation id missing');
    conversationId = conv.id;
    storeConversation(conv.id);
  }
  return /** @type {string} */ (conversationId);
}

/** Sends a question and streams the answer into the log; resolves when done. @param {unknown} question */
async function ask(question) {
  const text = String(question ?? '').trim().slice(0, MAX_LENGTH);
  if (!text || busy) return;
  if (panel.hidden) open();
  setBusy(true);

  const controller = new AbortController();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const keepAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
  };
  const typing = h('div', { class: 'msg bot typing', 'aria-hidden': 'true' }, h('span'), h('span'), h('span'));
  const answer = createAnswer(typing);

  try {
    await loadConfig(); // the greeting comes first
    log.append(h('div', { class: 'msg user', 'data-who': t.you, 'data-testid': 'message-user' }, text), typing);
    scrollToEnd(true);
    keepAlive();

    /** @param {string} id */
    const post = (id) => request('POST', `${tenantPath}/conversations/${enc(id)}/messages`,
      { text, language: lang, plainLanguage: plainToggle.checked }, { Accept: 'text/event-stream' }, controller.signal);
    let id = await conversation(controller.signal);
    /** @type {Response} */
    let res;
    try {
      res = await post(id);
    } catch (err) {
      // Conversation expired or unknown (e.g. server restart): start a new one, once.
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      conversationId = null;
      storeConversation(null);
      res = await post((id = await conversation(controller.signal)));
    }

    let finished = false;
    const parser = createSseParser((event, data) => {
      /** @type {any} */
      let payload;
      try { payload = JSON.parse(data); } catch { return; }
      if (finished || !payload || typeof payload !== 'object') return;
      if (event === 'delta' && typeof payload.text === 'string') answer.delta(payload.text);
      else if (event === 'retract') answer.retract();
      else if (event === 'citation') answer.citation(payload);
      else if (event === 'chart') answer.chart(payload);
      else if (event === 'done' || event === 'error') {
        finished = true;
        if (event === 'done') answer.done(payload, id);
        else {
          console.warn('[Stadtdialog] stream error:', payload.title, payload.detail);
          showError(t.error);
        }
      }
    });

    const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
    const decoder = new TextDecoder();
    for (let chunk; !(chunk = await reader.read()).done;) {
      keepAlive();
      parser.push(decoder.decode(chunk.value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
    if (!finished) showError(t.error); // stream ended without "done"
  } catch (err) {
    if (err instanceof ApiError) showError(err.title || t.error);
    else {
      console.warn('[Stadtdialog]', err);
      showError(controller.signal.aborted ? t.error : t.network);
    }
  } finally {
    clearTimeout(timer);
    typing.remove();
    setBusy(false);
  }
}

// ----- Start-up & public API -----

function mount() {
  document.body.append(host);
  if (cfg.open === 'true') open(false); // opened on load, without stealing focus
}
if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount);

// Declarative hook for host pages, CSP-friendly (no inline handlers):
//   <button type="button" data-stadtdialog-ask="Wann hat das Bürgerbüro geöffnet?">
document.addEventListener('click', (e) => {
  const trigger = e.target instanceof Element && e.target.closest('[data-stadtdialog-ask]');
  if (trigger) {
    e.preventDefault();
    ask(trigger.getAttribute('data-stadtdialog-ask'));
  }
});

w.Stadtdialog = Object.freeze({
  open: () => open(),
  close: () => close(),
  /** Opens the panel and asks; resolves when the answer is complete. @param {string} text */
  ask: (text) => ask(text),
});
})();
