// The SignalEngine dashboard: plain JavaScript over the public API, charts drawn as inline SVG. No build step.
'use strict';

(() => {
  const KEY = 'signalengine.key';

  // A ?key= link keeps the key for this browser session and leaves the address bar and the history at once.
  (() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has('key')) return;
    const key = url.searchParams.get('key');
    if (key) sessionStorage.setItem(KEY, key);
    url.searchParams.delete('key');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  })();

  const base = document.documentElement.dataset.base || '';
  const view = document.getElementById('view');
  const banner = document.getElementById('banner');
  const SVG = 'http://www.w3.org/2000/svg';

  // ---------- the API ----------

  class ApiError extends Error {
    constructor(status, title, detail) {
      super(detail || title);
      this.status = status;
      this.title = title;
      this.detail = detail;
    }
  }

  async function api(path, accept = 'application/json') {
    const headers = { Accept: accept };
    const key = sessionStorage.getItem(KEY);
    if (key) headers.Authorization = 'Bearer ' + key;
    let response;
    try {
      response = await fetch(base + path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (e) {
      throw new ApiError(0, 'Service unavailable', 'the service did not answer (' + e.message + ')');
    }
    if (response.ok) return accept === 'application/json' ? response.json() : response.text();
    let problem = {};
    try { problem = await response.json(); } catch { /* not a problem document */ }
    if (response.status >= 502 && response.status <= 504 && !problem.title) {
      throw new ApiError(response.status, 'Service unavailable', 'the gateway could not reach the service (' + response.status + ')');
    }
    throw new ApiError(response.status, problem.title || response.statusText || 'Request failed', problem.detail || '');
  }

  // ---------- small DOM and number helpers ----------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) if (value !== null && value !== undefined) node.setAttribute(name, value);
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const fixed = (x, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits));
  const percent = (x, digits = 1) => (x === null || x === undefined ? '–' : (100 * x).toFixed(digits) + '%');
  const signed = (x, digits = 3) => (x === null || x === undefined ? '–' : (x >= 0 ? '+' : '') + Number(x).toFixed(digits));
  const when = (iso) => (iso ? iso.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]00:00)$/, ' UTC').replace(/:00 UTC$/, ' UTC') : '–');
  const actionBadge = (action) => el('span', { class: 'action ' + action }, action.toUpperCase());

  function show(state, ...children) {
    view.replaceChildren(...children);
    view.dataset.state = state;
  }

  function panel(title, ...children) {
    return el('section', { class: 'panel' }, title ? el('h3', {}, title) : null, ...children);
  }

  function emptyState(id, title, text) {
    return el('div', { class: 'empty', id }, el('h3', {}, title), el('p', { class: 'muted' }, text));
  }

  function errorState(error) {
    if (error.status === 401) return keyPrompt(error);
    return el('div', { class: 'error', id: 'error-state' },
      el('h3', {}, error.title || 'Something went wrong'),
      el('p', { class: 'muted' }, error.detail || error.message || ''),
      el('p', {}, el('button', { class: 'secondary', type: 'button', onclick: () => route() }, 'Try again')));
  }

  function keyPrompt(error) {
    const input = el('input', { type: 'password', id: 'key-input', autocomplete: 'off', placeholder: 'API key' });
    const form = el('form', {
      class: 'filters', onsubmit: (e) => {
        e.preventDefault();
        if (input.value) sessionStorage.setItem(KEY, input.value.trim());
        route();
      },
    }, el('label', {}, 'API key', input), el('button', { class: 'primary', type: 'submit' }, 'Use this key'));
    return el('div', { class: 'error', id: 'key-required' },
      el('h3', {}, 'An API key is needed'),
      el('p', { class: 'muted' }, (error && error.detail) || 'The service needs an API key with the signals role.'),
      el('p', { class: 'muted' }, 'Open the dashboard as …/dashboard?key=YOUR_KEY once, or enter it here: it is kept for this browser tab only.'),
      form);
  }

  function alertBanner(error) {
    if (!error) { banner.hidden = true; banner.textContent = ''; return; }
    banner.hidden = false;
    banner.textContent = (error.title || 'Error') + (error.detail ? ': ' + error.detail : '');
  }

  // ---------- routing: #/signals?filters, #/signal/<id>, #/model ----------

  function parseHash() {
    const hash = window.location.hash.replace(/^#\/?/, '');
    const [path, query] = hash.split('?');
    const parts = path.split('/').filter(Boolean);
    return { page: parts[0] || 'signals', id: parts[1] ? decodeURIComponent(parts[1]) : null, query: new URLSearchParams(query || '') };
  }

  async function route() {
    const { page, id, query } = parseHash();
    for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', link.dataset.nav === (page === 'signal' ? 'signals' : page));
    document.getElementById('forget-key').hidden = !sessionStorage.getItem(KEY);
    show('loading', el('p', { class: 'muted' }, 'Loading…'));
    try {
      if (page === 'signal' && id) await signalPage(id);
      else if (page === 'model') await modelPage();
      else await signalsPage(query);
      alertBanner(null);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      show(error.status === 401 ? 'key' : 'error', errorState(error));
      if (error.status === 0 || error.status >= 500) alertBanner(error);
    }
  }

  // ---------- the signals table ----------

  const cursors = [];

  async function signalsPage(query) {
    const filters = { instrument: query.get('instrument') || '', action: query.get('action') || '', model: query.get('model') || '' };
    const before = query.get('before');
    const request = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value) request.set(name, value);
    request.set('limit', query.get('limit') || '25');
    if (before) request.set('before', before);
    const [page, models] = await Promise.all([api('/signals?' + request), api('/models').catch(() => [])]);

    const form = filterForm(filters, models);
    const children = [el('h2', {}, 'Recent signals'), form];
    if (page.signals.length === 0) {
      const filtered = Object.values(filters).some(Boolean) || before;
      children.push(filtered
        ? emptyState('signals-empty', 'No signals match', 'Nothing stored matches these filters. Clear them to see every signal.')
        : emptyState('signals-empty', 'No signals yet', 'Signals appear here once a client posts a feature batch to POST /signals.'));
      show('empty', ...children);
      return;
    }
    const rows = page.signals.map((s) => {
      const filteredAtOne = !s.stages.treeFilter.passed;
      const href = '#/signal/' + encodeURIComponent(s.id);
      return el('tr', { class: 'row', 'data-id': s.id, onclick: () => { window.location.hash = href; } },
        el('td', { class: 'mono' }, el('a', { href }, when(s.timestamp))),
        el('td', {}, s.instrument),
        el('td', {}, actionBadge(s.action)),
        el('td', { class: 'num' }, fixed(s.confidence), el('span', { class: 'muted' }, ' [' + fixed(s.interval.lower) + ', ' + fixed(s.interval.upper) + ']')),
        el('td', { class: 'num' }, s.betSize === null || s.betSize === undefined ? '–' : signed(s.betSize, 2)),
        el('td', {}, filteredAtOne ? 'stage 1 (tree filter)' : 'stage 3 (meta-learner)'),
        el('td', {}, filteredAtOne ? el('span', { class: 'tag warn' }, 'filtered') : el('span', { class: 'tag' }, 'passed')),
        el('td', { class: 'mono muted' }, s.modelVersion));
    });
    const table = el('table', { id: 'signals-table' },
      el('thead', {}, el('tr', {}, ['time', 'instrument', 'action', 'confidence [interval]', 'bet size', 'decided by', 'stage 1', 'model']
        .map((h, i) => el('th', { class: i === 3 || i === 4 ? 'num' : null }, h)))),
      el('tbody', {}, rows));

    const pager = el('div', { class: 'pager' },
      el('button', {
        class: 'secondary', type: 'button', id: 'newer', disabled: !before, onclick: () => {
          cursors.pop();
          navigate(filters, cursors[cursors.length - 1] || null);
        },
      }, '← Newer'),
      el('button', {
        class: 'secondary', type: 'button', id: 'older', disabled: !page.next, onclick: () => {
          cursors.push(page.next);
          navigate(filters, page.next);
        },
      }, 'Older →'),
      el('span', { class: 'muted' }, page.signals.length + ' signals on this page' + (page.next ? '' : ', the oldest stored')));
    if (!before) cursors.length = 0;
    children.push(panel(null, table, pager));
    show('ready', ...children);
  }

  function navigate(filters, before) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
    if (before) query.set('before', before);
    const hash = '#/signals' + (query.toString() ? '?' + query : '');
    if (window.location.hash === hash) route(); else window.location.hash = hash;
  }

  function filterForm(filters, models) {
    const instrument = el('input', { name: 'instrument', id: 'filter-instrument', value: filters.instrument, placeholder: 'any' });
    const action = el('select', { name: 'action', id: 'filter-action' },
      ['', 'buy', 'sell', 'hold'].map((a) => el('option', { value: a, selected: a === filters.action }, a || 'any')));
    const versions = [...new Set([...(models || []).map((m) => m.version), filters.model].filter(Boolean))];
    const model = el('select', { name: 'model', id: 'filter-model' },
      el('option', { value: '' }, 'any'), versions.map((v) => el('option', { value: v, selected: v === filters.model }, v)));
    return el('form', {
      class: 'filters', id: 'filters', onsubmit: (e) => {
        e.preventDefault();
        cursors.length = 0;
        navigate({ instrument: instrument.value.trim(), action: action.value, model: model.value }, null);
      },
    },
    el('label', {}, 'Instrument', instrument),
    el('label', {}, 'Action', action),
    el('label', {}, 'Model version', model),
    el('button', { class: 'primary', type: 'submit', id: 'apply-filters' }, 'Filter'),
    el('button', { class: 'secondary', type: 'button', onclick: () => { cursors.length = 0; navigate({}, null); } }, 'Clear'));
  }

  // ---------- one signal ----------

  async function signalPage(id) {
    const [signal, explanation] = await Promise.all([
      api('/signals/' + encodeURIComponent(id)),
      api('/signals/' + encodeURIComponent(id) + '/explanation'),
    ]);
    const waterfall = el('div', { id: 'waterfall' }, el('p', { class: 'muted' }, 'Drawing…'));
    const lime = el('div', { id: 'lime' },
      el('p', { class: 'muted' }, 'A local linear surrogate of stage 1 around this signal, fitted on request.'),
      el('button', { class: 'secondary', type: 'button', id: 'lime-button', onclick: () => limeView(id, lime) }, 'Compute LIME view'));

    show('ready',
      el('p', {}, el('a', { href: '#/signals' }, '← All signals')),
      el('h2', { id: 'signal-title' }, signal.instrument, ' ', actionBadge(signal.action), ' ', el('span', { class: 'muted mono' }, when(signal.timestamp))),
      el('div', { class: 'grid' },
        panel('Decision', summary(signal, explanation)),
        panel('Stage outputs', stageTable(signal))),
      el('div', { class: 'grid' },
        panel('Stage 1: TreeSHAP waterfall', waterfall,
          el('p', { class: 'legend' }, 'Base value plus each feature\'s contribution gives the stage-1 score (log-odds of actionable).')),
        panel('Rules that fired', rules(explanation.rulesFired))),
      panel('Stage 2: integrated-gradients attribution (time step × feature)', heatMaps(explanation.sequence)),
      el('div', { class: 'grid' },
        panel('Stage 3: contributions to each class logit', metaContributions(explanation.meta)),
        panel('LIME view', lime)));

    try {
      const text = await api('/signals/' + encodeURIComponent(id) + '/explanation.svg', 'image/svg+xml');
      const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      waterfall.replaceChildren(el('img', { src: url, alt: 'TreeSHAP waterfall of signal ' + id, class: 'waterfall' }));
    } catch (error) {
      waterfall.replaceChildren(el('p', { class: 'muted' }, 'No waterfall: ' + error.message));
    }
  }

  function summary(signal, explanation) {
    const p = signal.probabilities;
    const bar = el('div', { class: 'probs', title: 'P(buy) / P(sell) / P(hold)' },
      ...['buy', 'sell', 'hold'].map((a) => { const span = el('span', { class: a }); span.style.width = (100 * p[a]) + '%'; return span; }));
    const trade = explanation.meta.trade;
    const sizing = explanation.meta.sizing;
    return el('dl', { class: 'facts' },
      el('dt', {}, 'action'), el('dd', {}, actionBadge(signal.action), ' ', signal.reason || ''),
      el('dt', {}, 'confidence'), el('dd', {}, fixed(signal.confidence), ' (', percent(signal.interval.level, 0), ' credible interval ', fixed(signal.interval.lower), ' to ', fixed(signal.interval.upper), ')'),
      el('dt', {}, 'probabilities'), el('dd', {}, bar, 'buy ', fixed(p.buy), ' · sell ', fixed(p.sell), ' · hold ', fixed(p.hold)),
      el('dt', {}, 'bet size'), el('dd', {}, signal.betSize === null || signal.betSize === undefined ? '–' : signed(signal.betSize, 2)),
      trade ? [el('dt', {}, 'trade rule'), el('dd', {}, trade.side + ': expected payoff net of cost ' + signed(trade.expectedNetPayoff * 1e4, 1) + ' bp, ' + percent(trade.shareInFavour, 0) + ' of posterior draws in favour')] : null,
      sizing ? [el('dt', {}, 'sizing'), el('dd', {}, 'p ' + fixed(sizing.probability) + ', posterior sd ' + fixed(sizing.posteriorStdDev) + ', shrunk p ' + fixed(sizing.shrunkProbability))] : null,
      el('dt', {}, 'most influential'), el('dd', {}, explanation.meta.mostInfluentialStage),
      el('dt', {}, 'model'), el('dd', { class: 'mono' }, signal.modelVersion),
      el('dt', {}, 'id'), el('dd', { class: 'mono' }, signal.id));
  }

  function stageTable(signal) {
    const tree = signal.stages.treeFilter;
    const meta = signal.stages.meta;
    const rows = [
      ['1 tree filter', 'p(actionable) ' + fixed(tree.probabilityActionable) + ', score ' + signed(tree.score), tree.passed ? 'passed' : (tree.reason || 'filtered')],
      ...tree.models.map((m) => ['  ' + m.model, 'raw ' + signed(m.rawScore) + ', p ' + fixed(m.probability), '']),
      ...signal.stages.sequence.map((s) => ['2 ' + s.model, s.abstained ? 'abstained' : 'p(up) ' + fixed(s.probabilityUp), s.abstainReason || '']),
      ['3 ' + meta.model, 'buy ' + fixed(meta.probabilities.buy) + ', sell ' + fixed(meta.probabilities.sell) + ', hold ' + fixed(meta.probabilities.hold),
        'regime ' + meta.regime + ', liquidity ' + fixed(meta.liquidity) + ', posterior sd ' + fixed(meta.posteriorStdDev)],
    ];
    return el('table', { id: 'stage-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'stage'), el('th', {}, 'output'), el('th', {}, 'note'))),
      el('tbody', {}, rows.map(([a, b, c]) => el('tr', {}, el('td', { class: 'mono' }, a), el('td', {}, b), el('td', { class: 'muted' }, c)))));
  }

  function rules(fired) {
    if (!fired || fired.length === 0) return el('p', { class: 'muted', id: 'rules-none' }, 'No rule filter fired for this signal.');
    return el('table', { id: 'rules' },
      el('thead', {}, el('tr', {}, ['rule', 'feature', 'value', 'condition', 'effect'].map((h) => el('th', {}, h)))),
      el('tbody', {}, fired.map((r) => el('tr', {}, el('td', {}, r.rule), el('td', { class: 'mono' }, r.feature), el('td', { class: 'num' }, fixed(r.value, 4)), el('td', {}, r.condition), el('td', {}, r.effect)))));
  }

  // A diverging heat map: one column per time step (oldest left), one row per feature, red against up, green for.
  function heatMaps(sequence) {
    const maps = (sequence || []).map((s) => {
      if (!s.attribution) return el('p', { class: 'muted' }, s.model + ' abstained: ' + (s.abstainReason || 'no attribution'));
      const a = s.attribution;
      const steps = a.attributions.length;
      const features = a.features;
      const max = Math.max(1e-12, ...a.attributions.flat().map(Math.abs));
      const cell = Math.max(8, Math.min(22, Math.floor(640 / Math.max(1, steps))));
      const left = 110;
      const top = 8;
      const width = left + steps * cell + 10;
      const height = top + features.length * 16 + 28;
      const chart = svg('svg', { class: 'chart heatmap', viewBox: `0 0 ${width} ${height}`, width, role: 'img', 'aria-label': s.model + ' attribution heat map', 'data-model': s.model });
      features.forEach((name, f) => {
        chart.append(svg('text', { x: left - 6, y: top + f * 16 + 12, 'text-anchor': 'end' }, name));
        for (let t = 0; t < steps; t++) {
          const v = a.attributions[t][f];
          const strength = Math.sqrt(Math.abs(v) / max);
          const color = v >= 0 ? `rgba(47,143,91,${strength.toFixed(3)})` : `rgba(201,70,61,${strength.toFixed(3)})`;
          chart.append(svg('rect', { x: left + t * cell, y: top + f * 16, width: cell - 1, height: 15, fill: color, class: 'cell' },
            svg('title', {}, `${name}, step ${t - steps + 1}: ${signed(v, 5)}`)));
        }
      });
      chart.append(svg('text', { x: left, y: height - 8 }, `t−${steps - 1}`));
      chart.append(svg('text', { x: left + steps * cell, y: height - 8, 'text-anchor': 'end' }, 't (this bar)'));
      return el('div', {},
        el('h3', {}, s.model, el('span', { class: 'muted' }, `  output ${signed(a.output)} against baseline ${signed(a.baselineOutput)}, completeness gap ${fixed(a.completenessGap, 5)}`)),
        chart);
    });
    if (maps.length === 0) return el('p', { class: 'muted' }, 'No sequence model in this bundle.');
    return el('div', { id: 'heatmap' }, maps, el('p', { class: 'legend' }, 'Green pushed the model\'s logit of "up" higher, red lower; the stronger the colour, the larger the attribution.'));
  }

  // Horizontal bars around zero, one per row, values in a column of their own: a waterfall's shape without the running sum.
  function bars(items, id) {
    const max = Math.max(1e-12, ...items.map((i) => Math.abs(i.value)));
    const left = 200;
    const half = items.some((i) => i.value < 0) ? 130 : 0;
    const span = half ? 130 : 260;
    const width = left + half + span + 64;
    const height = items.length * 20 + 10;
    const zero = left + half;
    const chart = svg('svg', { class: 'chart', id, viewBox: `0 0 ${width} ${height}`, width, role: 'img' });
    chart.append(svg('line', { x1: zero, x2: zero, y1: 0, y2: height, class: 'axis' }));
    items.forEach((item, i) => {
      const length = (Math.abs(item.value) / max) * (item.value < 0 ? half : span);
      const y = 5 + i * 20;
      const label = item.label.length > 30 ? item.label.slice(0, 29) + '…' : item.label;
      chart.append(svg('text', { x: left - 8, y: y + 12, 'text-anchor': 'end' }, label, svg('title', {}, item.label)));
      chart.append(svg('rect', { x: item.value >= 0 ? zero : zero - length, y, width: Math.max(1, length), height: 14, class: item.value >= 0 ? 'pos' : 'neg' },
        svg('title', {}, item.label + ': ' + signed(item.value, 5))));
      chart.append(svg('text', { x: width - 4, y: y + 12, 'text-anchor': 'end' }, signed(item.value)));
    });
    return chart;
  }

  function metaContributions(meta) {
    const side = meta.action === 'hold' ? (meta.trade ? meta.trade.side : 'buy') : meta.action;
    const items = meta.contributions.map((c) => ({ label: c.input, value: c[side] - c.hold }));
    return el('div', { id: 'meta' },
      el('p', { class: 'muted' }, `Each input's contribution to the ${side.toUpperCase()} logit relative to HOLD (posterior sd ${fixed(meta.posteriorStdDev)}).`),
      bars(items, 'meta-bars'),
      el('table', {},
        el('thead', {}, el('tr', {}, ['input', 'value', 'buy', 'sell', 'hold'].map((h, i) => el('th', { class: i ? 'num' : null }, h)))),
        el('tbody', {}, meta.contributions.map((c) => el('tr', {},
          el('td', { class: 'mono' }, c.input), el('td', { class: 'num' }, fixed(c.value, 4)),
          el('td', { class: 'num' }, signed(c.buy)), el('td', { class: 'num' }, signed(c.sell)), el('td', { class: 'num' }, signed(c.hold)))))));
  }

  async function limeView(id, target) {
    target.replaceChildren(el('p', { class: 'muted' }, 'Fitting the surrogate…'));
    try {
      const view = await api('/signals/' + encodeURIComponent(id) + '/explanation?method=lime');
      const lime = view.lime;
      const weights = [...lime.weights].sort((x, y) => Math.abs(y.slope * y.scale) - Math.abs(x.slope * x.scale)).slice(0, 12);
      target.replaceChildren(
        el('p', { class: 'muted' }, `${view.explains}: surrogate fidelity R² ${fixed(lime.fidelity)} over ${lime.samples} samples (score ${signed(lime.score)}, intercept ${signed(lime.intercept)}).`),
        bars(weights.map((w) => ({ label: w.feature, value: w.coefficient })), 'lime-bars'),
        el('p', { class: 'legend' }, 'Coefficients per standard deviation of each feature, largest first.'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      target.replaceChildren(el('p', { class: 'muted', id: 'lime-error' }, (error.title || 'No LIME view') + ': ' + (error.detail || '')));
    }
  }

  // ---------- the model ----------

  async function modelPage() {
    const [current, models, importance, outcomes] = await Promise.all([
      api('/models/current'),
      api('/models'),
      api('/models/current/importance').catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
      // The statistics failing leaves the rest of the page; it says why instead of pretending there are no outcomes.
      api('/outcomes/summary').catch((e) => (e instanceof ApiError && e.status !== 401 ? { failed: e } : Promise.reject(e))),
    ]);
    show('ready',
      el('h2', {}, 'Model ', el('span', { class: 'mono' }, current.version)),
      el('div', { class: 'grid' },
        panel('Serving', el('dl', { class: 'facts', id: 'model-facts' },
          el('dt', {}, 'version'), el('dd', { class: 'mono' }, current.version),
          el('dt', {}, 'created'), el('dd', {}, when(current.created)),
          el('dt', {}, 'parent'), el('dd', { class: 'mono' }, current.parent || '–'),
          el('dt', {}, 'trained on'), el('dd', {}, current.trainingDataFile),
          el('dt', {}, 'features'), el('dd', {}, current.featureSchema.length + ' (' + current.featureSchema.join(', ') + ')'),
          el('dt', {}, 'window'), el('dd', {}, current.windowLength + ' bars'),
          el('dt', {}, 'stages'), el('dd', {}, [current.stages.treeFilter.name, ...current.stages.sequence.map((s) => s.name), current.stages.meta.name].filter(Boolean).join(' → ')))),
        panel('Out-of-sample metrics (manifest)', metricsTable(current.metrics))),
      el('div', { class: 'grid' },
        panel('Global importance (stage 1)', importanceChart(importance)),
        panel('Model history', historyTable(models))),
      outcomesPanels(outcomes));
  }

  // One row per stage with the metrics it has (a metric undefined out of sample is null and left out).
  function metricsTable(metrics) {
    const stages = Object.keys(metrics || {});
    if (stages.length === 0) return el('p', { class: 'muted' }, 'The manifest records no metrics.');
    const shown = (v) => (Math.abs(v) >= 100 ? Math.round(v).toString() : fixed(v));
    return el('table', { id: 'metrics' },
      el('thead', {}, el('tr', {}, el('th', {}, 'stage'), el('th', {}, 'metrics (walk-forward, out of sample)'))),
      el('tbody', {}, stages.map((stage) => el('tr', {},
        el('td', { class: 'mono' }, stage),
        el('td', {}, Object.entries(metrics[stage]).filter(([, v]) => v !== null && v !== undefined)
          .map(([name, v]) => el('span', { class: 'metric' }, el('span', { class: 'muted' }, name + ' '), shown(v))))))));
  }

  function importanceChart(importance) {
    if (!importance) return el('p', { class: 'muted', id: 'importance-none' }, 'This model was trained before bundles recorded global importance.');
    const top = [...importance.features].sort((a, b) => b.meanAbsoluteShap - a.meanAbsoluteShap).slice(0, 15);
    return el('div', { id: 'importance' },
      bars(top.map((f) => ({ label: f.feature, value: f.meanAbsoluteShap })), 'importance-bars'),
      el('p', { class: 'legend' }, `Mean |TreeSHAP| over ${importance.rows} rows of ${importance.data}.`));
  }

  function historyTable(models) {
    if (!models || models.length === 0) return el('p', { class: 'muted' }, 'No versions registered.');
    const shadowOf = (m) => (m.shadow ? Object.entries(m.shadow).map(([k, v]) => k + ' ' + fixed(v)).join(', ') : '');
    return el('table', { id: 'history' },
      el('thead', {}, el('tr', {}, ['version', 'status', 'parent', 'created', 'decision / shadow'].map((h) => el('th', {}, h)))),
      el('tbody', {}, [...models].reverse().map((m) => el('tr', { 'data-status': m.status },
        el('td', { class: 'mono' }, m.version),
        el('td', {}, el('span', { class: 'tag' + (m.status === 'rejected' ? ' warn' : '') }, m.status)),
        el('td', { class: 'mono muted' }, m.parent || '–'),
        el('td', {}, when(m.created)),
        el('td', { class: 'muted' }, [m.decision, shadowOf(m)].filter(Boolean).join(' · '))))));
  }

  function outcomesPanels(summary) {
    if (summary.failed) {
      return panel('How the signals did', el('p', { class: 'muted', id: 'outcomes-error' }, 'The outcome statistics could not be read: ' + (summary.failed.title || '') + ' ' + (summary.failed.detail || '')));
    }
    if (summary.scored === 0) {
      return panel('How the signals did (all model versions)', emptyState('outcomes-empty', 'No outcomes yet',
        'Once clients report realised outcomes of signals (POST /outcomes), the reliability diagram and the hit rate over time appear here.'));
    }
    return el('div', { class: 'grid', id: 'outcomes' },
      panel('Reliability diagram', el('p', { class: 'muted' },
        `${summary.scored} scored signals: hit rate ${percent(summary.hitRate)}; ` +
        (summary.acted ? `BUY and SELL only ${percent(summary.actedHitRate)} of ${summary.acted}.` : 'no BUY or SELL signal scored yet.')),
      reliabilityChart(summary.reliability)),
      panel('Hit rate of scored signals over time', hitRateChart(summary.byDay)));
  }

  function frame(width, height, pad) {
    const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, role: 'img' });
    for (let k = 0; k <= 4; k++) {
      const y = pad.top + (height - pad.top - pad.bottom) * (1 - k / 4);
      chart.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid-line' }));
      chart.append(svg('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end' }, (k / 4).toFixed(2)));
    }
    chart.append(svg('line', { x1: pad.left, x2: pad.left, y1: pad.top, y2: height - pad.bottom, class: 'axis' }));
    chart.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: height - pad.bottom, y2: height - pad.bottom, class: 'axis' }));
    return chart;
  }

  function reliabilityChart(bins) {
    const width = 420, height = 320, pad = { left: 44, right: 16, top: 12, bottom: 40 };
    const chart = frame(width, height, pad);
    chart.id = 'reliability';
    const x = (v) => pad.left + v * (width - pad.left - pad.right);
    const y = (v) => height - pad.bottom - v * (height - pad.top - pad.bottom);
    chart.append(svg('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'diag' }));
    const most = Math.max(1, ...bins.map((b) => b.count));
    for (const b of bins.filter((b) => b.count > 0)) {
      chart.append(svg('circle', { cx: x(b.meanConfidence), cy: y(b.hitRate), r: 3 + 6 * Math.sqrt(b.count / most), class: 'dot' },
        svg('title', {}, `confidence ${fixed(b.lower, 1)}–${fixed(b.upper, 1)}: ${b.count} signals, mean ${fixed(b.meanConfidence)}, hit rate ${percent(b.hitRate)}`)));
    }
    for (let k = 0; k <= 4; k++) chart.append(svg('text', { x: x(k / 4), y: height - pad.bottom + 16, 'text-anchor': 'middle' }, (k / 4).toFixed(2)));
    chart.append(svg('text', { x: x(0.5), y: height - 6, 'text-anchor': 'middle' }, 'mean confidence of the bin'));
    return el('div', {}, chart, el('p', { class: 'legend' }, 'Each dot is a confidence bin (area: signals in it); on the dashed diagonal the confidence is the hit rate.'));
  }

  function hitRateChart(days) {
    const width = 520, height = 320, pad = { left: 44, right: 16, top: 12, bottom: 40 };
    const chart = frame(width, height, pad);
    chart.id = 'hit-rate';
    const x = (i) => pad.left + (days.length === 1 ? 0.5 : i / (days.length - 1)) * (width - pad.left - pad.right);
    const y = (v) => height - pad.bottom - v * (height - pad.top - pad.bottom);
    chart.append(svg('polyline', { points: days.map((d, i) => `${x(i).toFixed(1)},${y(d.hitRate).toFixed(1)}`).join(' '), class: 'line' }));
    let hits = 0, scored = 0;
    const running = days.map((d, i) => { hits += d.hits; scored += d.scored; return `${x(i).toFixed(1)},${y(hits / scored).toFixed(1)}`; });
    chart.append(svg('polyline', { points: running.join(' '), class: 'running' }));
    days.forEach((d, i) => chart.append(svg('circle', { cx: x(i), cy: y(d.hitRate), r: 3, class: 'dot' }, svg('title', {}, `${d.day}: ${d.hits} of ${d.scored}`))));
    chart.append(svg('text', { x: pad.left, y: height - pad.bottom + 16 }, days[0].day));
    if (days.length > 1) chart.append(svg('text', { x: width - pad.right, y: height - pad.bottom + 16, 'text-anchor': 'end' }, days[days.length - 1].day));
    chart.append(svg('text', { x: (pad.left + width - pad.right) / 2, y: height - 6, 'text-anchor': 'middle' }, 'day of the signals\' bars'));
    return el('div', {}, chart, el('p', { class: 'legend' }, 'Thin: share of the day\'s scored signals whose realised label was their action; thick: the running hit rate since the first scored day.'));
  }

  // ---------- start ----------

  let serving = null;

  async function header() {
    try {
      const current = await api('/models/current');
      serving = current.version;
      document.getElementById('serving').textContent = 'serving ' + current.version;
    } catch {
      document.getElementById('serving').textContent = '';
    }
  }

  document.getElementById('forget-key').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    route();
  });
  window.addEventListener('hashchange', route);
  header().finally(route);
})();
