// The managers' console. It reads only Rapport's JSON API, with the key its user gives, so everything it shows can
// be scripted too. Data is untrusted (customer ids come from outside): it reaches the page only as text nodes and
// chart labels drawn on a canvas, never as HTML.
(function () {
  'use strict';

  var KEY = 'rapport.key';
  var PAGE = 20;
  var charts = {};
  var searchNext = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(cells, cls) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { tr.appendChild(c instanceof Node ? c : el('td', c)); });
    if (cls) { tr.className = cls; }
    return tr;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function number(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en'); }
  function percent(x) { return x === null || x === undefined ? 'no data' : (x * 100).toFixed(1) + ' %'; }
  function decimal(x, digits) { return x === null || x === undefined ? 'no data' : Number(x).toFixed(digits); }
  // an ISO-8601 period as words: P90D is "90 days"
  function period(iso) {
    var m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso || '');
    if (!m) { return iso; }
    var words = [];
    [[1, 'year'], [2, 'month'], [3, 'week'], [4, 'day']].forEach(function (u) {
      if (m[u[0]]) { words.push(m[u[0]] + ' ' + u[1] + (m[u[0]] === '1' ? '' : 's')); }
    });
    return words.join(' ');
  }

  function when(iso) {
    if (!iso) { return '–'; }
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  }

  // The key: from the URL fragment (which never reaches the server), else from this tab's session storage.
  function takeKeyFromFragment() {
    var m = /^#key=(.+)$/.exec(window.location.hash);
    if (m) {
      sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
      history.replaceState(null, '', window.location.pathname + window.location.search);
    }
  }

  function key() { return sessionStorage.getItem(KEY); }

  function askForKey(message) {
    $('board').hidden = true;
    $('key-panel').hidden = false;
    $('key-message').textContent = message || '';
    $('key-input').focus();
  }

  function api(path) {
    return fetch(path, { headers: { 'Authorization': 'Bearer ' + key(), 'Accept': 'application/json' },
      cache: 'no-store', credentials: 'omit' })
      .then(function (r) {
        return r.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
          return { status: r.status, body: body };
        });
      });
  }

  function chart(id) {
    if (!charts[id]) { charts[id] = echarts.init($(id), null, { renderer: 'canvas' }); }
    // no entry animation: a figure is read as it is drawn, and a refresh does not replay the show
    return charts[id];
  }

  var plainTooltip = { renderMode: 'richText' };

  function draw(id, option) {
    option.animation = false;
    chart(id).setOption(option, true);
    chart(id).resize();
  }

  // ---- stages -----------------------------------------------------------------------------------------------
  function showStages(stages) {
    var body = $('stages').tBodies[0];
    clear(body);
    var names = Object.keys(stages);
    var total = 0;
    names.forEach(function (s) {
      var count = el('td', number(stages[s]), 'count');
      count.dataset.stage = s;
      body.appendChild(row([el('td', s), count]));
      total += stages[s];
    });
    var all = el('td', number(total), 'count');
    all.id = 'stages-total';
    body.appendChild(row([el('td', 'all customers'), all], 'total'));
    draw('stages-chart', {
      tooltip: plainTooltip,
      grid: { left: 110, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: names.slice().reverse() },
      series: [{ type: 'bar', data: names.slice().reverse().map(function (s) { return stages[s]; }),
        itemStyle: { color: '#3b7dd8' },
        label: { show: true, position: 'right', formatter: function (p) { return number(p.value); } } }]
    });
    var select = $('search-stage');
    var chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    names.forEach(function (s) { var o = el('option', s); o.value = s; select.appendChild(o); });
    select.value = chosen;
  }

  // ---- flow: a two-column Sankey (stage left -> stage entered), so that a cycle between stages still draws ---
  function showFlow(flow, days) {
    $('flow-window').textContent = '(last ' + days + ' days)';
    var nodes = {};
    var links = flow.filter(function (f) { return f.count > 0; }).map(function (f) {
      nodes['left:' + f.from] = true;
      nodes['right:' + f.to] = true;
      return { source: 'left:' + f.from, target: 'right:' + f.to, value: f.count };
    });
    var target = $('flow-chart');
    target.dataset.links = String(links.length);
    $('flow-empty').hidden = links.length > 0;
    target.hidden = links.length === 0;
    if (links.length === 0) { return; }
    var stageOf = function (name) { return name.slice(name.indexOf(':') + 1); };
    draw('flow-chart', {
      tooltip: Object.assign({ trigger: 'item', formatter: function (p) {
        return p.dataType === 'edge'
          ? stageOf(p.data.source) + ' → ' + stageOf(p.data.target) + ': ' + number(p.data.value) + ' customers'
          : stageOf(p.name) + ': ' + number(p.value) + ' customers';
      } }, plainTooltip),
      series: [{
        type: 'sankey', left: 20, right: 140, top: 10, bottom: 10, nodeGap: 14, draggable: false,
        data: Object.keys(nodes).map(function (n) { return { name: n }; }),
        links: links,
        label: { formatter: function (p) { return stageOf(p.name); } },
        lineStyle: { color: 'gradient', opacity: 0.45 },
        emphasis: { focus: 'adjacency' }
      }]
    });
  }

  // ---- KPI tiles ----------------------------------------------------------------------------------------------
  function tile(name, value, detail, trend, field, higherIsBetter) {
    var t = el('div', null, 'tile');
    t.appendChild(el('div', name, 'name'));
    var v = el('div', value, 'value');
    t.appendChild(v);
    var d = el('div', detail, 'detail');
    t.appendChild(d);
    if (trend && field) {
      var points = trend.filter(function (p) { return p[field] !== null && p[field] !== undefined; });
      if (points.length >= 2) {
        var first = points[0][field];
        var last = points[points.length - 1][field];
        var better = higherIsBetter ? last > first : last < first;
        if (last !== first) {
          var arrow = el('span', (last > first ? ' ▲' : ' ▼'), better ? 'up' : 'down');
          arrow.title = 'since ' + when(points[0].at);
          v.appendChild(arrow);
        }
        var spark = el('div', null, 'trend');
        t.appendChild(spark);
        setTimeout(function () {
          echarts.init(spark).setOption({
            animation: false,
            grid: { left: 2, right: 2, top: 4, bottom: 4 },
            xAxis: { type: 'category', show: false, data: points.map(function (p) { return p.at; }) },
            yAxis: { type: 'value', show: false, scale: true },
            series: [{ type: 'line', data: points.map(function (p) { return p[field]; }), symbol: 'none',
              lineStyle: { width: 2, color: '#3b7dd8' }, areaStyle: { opacity: 0.08 } }]
          });
        }, 0);
      } else {
        t.appendChild(el('div', 'no trend yet', 'detail'));
      }
    }
    return t;
  }

  function showKpis(stats) {
    var k = stats.kpis || {};
    var trend = stats.trend || [];
    var box = $('kpis');
    box.querySelectorAll('.trend').forEach(function (s) { var c = echarts.getInstanceByDom(s); if (c) { c.dispose(); } });
    clear(box);
    $('kpi-window').textContent = stats.refreshedAt
      ? '(over the ' + period(stats.window) + ' up to ' + when(stats.refreshedAt) + '; arrows and lines: their trend '
        + 'over the chosen window)'
      : '(not computed yet: the first refresh is on its way)';
    var nps = k.nps || {};
    box.appendChild(tile('Net Promoter Score (−100 to 100)', nps.value === null || nps.value === undefined
      ? 'no data' : decimal(nps.value, 0), number(nps.answers) + ' answers', trend, 'nps', true));
    box.appendChild(tile('Retention rate', percent(k.retentionRate),
      'bought again, of those who bought the window before', trend, 'retentionRate', true));
    box.appendChild(tile('Churn rate', percent(k.churnRate), 'moved to CHURNED', trend, 'churnRate', false));
    box.appendChild(tile('Repeat purchase rate', percent(k.repeatPurchaseRate),
      'customers with 2+ orders, of those with 1+', trend, 'repeatPurchaseRate', true));
    var ltv = k.lifetimeValue || {};
    var currencies = Object.keys(ltv);
    box.appendChild(tile('Lifetime value per buying customer', currencies.length === 0 ? 'no data'
      : currencies.map(function (c) { return c + ' ' + decimal(ltv[c], 2); }).join(' · '), 'net of refunds'));
    var e = k.engagement || {};
    box.appendChild(tile('Opens per message', decimal(e.opensPerMessage, 2),
      number(e.sent) + ' sent · ' + decimal(e.clicksPerMessage, 2) + ' clicks per message'));
  }

  // ---- rules -------------------------------------------------------------------------------------------------
  function showRules(stats, versions) {
    var rules = stats.rules || {};
    var text = 'Version ' + (rules.version === null || rules.version === undefined ? '–' : rules.version);
    if (versions) {
      var active = (versions.versions || []).filter(function (v) { return v.version === versions.active; })[0];
      if (active) {
        text += ', live since ' + when(active.activatedAt) + (active.activatedBy ? ' by ' + active.activatedBy : '')
          + (active.note ? ' (' + active.note + ')' : '');
      }
      text += '; ' + (versions.versions || []).length + ' versions in all.';
    }
    $('rules-version').textContent = text;
    var firings = rules.firings || {};
    var names = Object.keys(firings).sort(function (a, b) { return firings[a] - firings[b]; });
    var target = $('rules-chart');
    target.style.height = Math.max(120, 28 * names.length + 40) + 'px';
    draw('rules-chart', {
      tooltip: plainTooltip,
      grid: { left: 10, right: 50, top: 10, bottom: 20, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: names },
      series: [{ type: 'bar', data: names.map(function (n) { return firings[n]; }), itemStyle: { color: '#6a5acd' },
        label: { show: true, position: 'right', formatter: function (p) { return number(p.value); } } }]
    });
  }

  function showJourneys(journeys) {
    var body = $('journeys').tBodies[0];
    clear(body);
    if (!journeys || journeys.length === 0) {
      body.appendChild(row(['no message sent in the window', '', '', '', '']));
      return;
    }
    journeys.forEach(function (j) {
      var revenue = Object.keys(j.attributedRevenue || {}).map(function (c) {
        return c + ' ' + decimal(j.attributedRevenue[c], 2);
      }).join(' · ') || '–';
      body.appendChild(row([j.rule, j.template, el('td', number(j.sent), 'count'),
        el('td', number(j.codesRedeemed), 'count'), revenue]));
    });
  }

  // ---- outbox ------------------------------------------------------------------------------------------------
  function showOutbox(actions) {
    var by = (actions && actions.byStatus) || {};
    var body = $('outbox').tBodies[0];
    clear(body);
    [['pending', 'waiting to be sent'], ['sent', 'sent'], ['failed', 'failed for good'],
      ['suppressed', 'held back by a guardrail']].forEach(function (s) {
      var count = el('td', number(by[s[0]] || 0), 'count');
      count.dataset.status = s[0];
      body.appendChild(row([s[1], count]));
    });
    var reasons = (actions && actions.suppressedByReason) || {};
    var rb = $('suppressed').tBodies[0];
    clear(rb);
    var names = Object.keys(reasons);
    if (names.length === 0) { rb.appendChild(row(['none', ''])); }
    names.forEach(function (r) { rb.appendChild(row([r, el('td', number(reasons[r]), 'count')])); });
  }

  function showFailed() {
    var table = $('failed');
    var message = $('failed-message');
    api('/v1/actions?status=failed&limit=20').then(function (r) {
      if (r.status === 401 || r.status === 403) {
        table.hidden = true;
        message.textContent = 'Only the admin key lists the failed actions; this key shows their number above.';
        return;
      }
      if (r.status === 404) {
        table.hidden = true;
        message.textContent = 'This server does not list actions.';
        return;
      }
      if (r.status !== 200 || !r.body) {
        table.hidden = true;
        message.textContent = 'The list of failed actions is not available now (' + r.status + ').';
        return;
      }
      var items = r.body.items || [];
      var body = table.tBodies[0];
      clear(body);
      items.forEach(function (a) {
        body.appendChild(row([a.customerId, a.template, a.rule, el('td', number(a.attempts), 'count'),
          a.lastError || '']));
      });
      message.textContent = items.length === 0 ? 'No failed action.' : '';
      table.hidden = items.length === 0;
    }).catch(function () { message.textContent = 'The server did not answer.'; });
  }

  // ---- search and timeline ------------------------------------------------------------------------------------
  function search(more) {
    var params = new URLSearchParams();
    var q = $('search-q').value.trim();
    if (q) { params.set('q', q); }
    if ($('search-stage').value) { params.set('stage', $('search-stage').value); }
    params.set('limit', String(PAGE));
    if (more && searchNext) { params.set('after', searchNext); }
    api('/v1/customers?' + params.toString()).then(function (r) {
      var body = $('results').tBodies[0];
      if (!more) { clear(body); }
      if (r.status !== 200) {
        $('search-message').textContent = (r.body && r.body.error) || ('search failed (' + r.status + ')');
        return;
      }
      var items = r.body.items || [];
      items.forEach(function (c) {
        var tr = row([c.id, c.stage, when(c.stageSince), el('td', number(c.orders), 'count'),
          el('td', decimal(c.revenue, 2), 'count'), when(c.lastActivityAt)], 'pick');
        tr.dataset.customerId = c.id;
        tr.addEventListener('click', function () { showTimeline(c.id, tr); });
        body.appendChild(tr);
      });
      searchNext = r.body.next;
      $('more').hidden = !searchNext;
      $('search-message').textContent = body.rows.length === 0 ? 'No customer matches.' : '';
    });
  }

  function showTimeline(id, tr) {
    document.querySelectorAll('#results tr.picked').forEach(function (r) { r.classList.remove('picked'); });
    if (tr) { tr.classList.add('picked'); }
    var path = '/v1/customers/' + encodeURIComponent(id);
    Promise.all([api(path), api(path + '/journey')]).then(function (rs) {
      var panel = $('timeline-panel');
      panel.hidden = false;
      $('timeline-customer').textContent = id;
      var body = $('timeline').tBodies[0];
      clear(body);
      if (rs[0].status !== 200 || rs[1].status !== 200) {
        $('timeline-summary').textContent = 'This customer cannot be read now (' + rs[0].status + ').';
        return;
      }
      var c = rs[0].body;
      var agg = c.aggregates || {};
      $('timeline-summary').textContent = 'Now ' + c.stage + ' since ' + when(c.stageSince) + '; '
        + number(agg.orders) + ' orders, revenue ' + decimal(agg.revenue, 2) + '; last active '
        + when(agg.lastActivityAt) + (agg.lastNps === null || agg.lastNps === undefined ? '' : '; last NPS ' + agg.lastNps)
        + '.';
      var entries = [];
      // an action is placed at the time of the touchpoint that decided it, when that touchpoint moved the customer:
      // after a replay of history, the time an action was recorded is the replay's, not the story's
      var decidedAt = {};
      (rs[1].body.transitions || []).forEach(function (t) { decidedAt[t.touchpointId] = t.at; });
      (rs[1].body.transitions || []).forEach(function (t) {
        entries.push({ at: t.at, what: t.from + ' → ' + t.to + (t.reason ? ' (' + t.reason + ')' : ''),
          rule: t.rule, status: '', kind: 'transition' });
      });
      (rs[1].body.actions || []).forEach(function (a) {
        entries.push({ at: decidedAt[a.touchpointId] || a.createdAt, what: a.channel + ': ' + a.template, rule: a.rule,
          status: a.status + (a.status === 'sent' && a.sentAt ? ' ' + when(a.sentAt) : '')
            + (a.lastError ? ' (' + a.lastError + ')' : ''), kind: 'action' });
      });
      entries.sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
      entries.forEach(function (e) {
        var tr = row([when(e.at), el('td', e.what, 'kind-' + e.kind), e.rule, e.status]);
        tr.dataset.kind = e.kind;
        body.appendChild(tr);
      });
      if (entries.length === 0) { body.appendChild(row(['', 'nothing happened to this customer yet', '', ''])); }
      panel.scrollIntoView({ behavior: 'auto', block: 'nearest' });
    });
  }

  // ---- loading ------------------------------------------------------------------------------------------------
  function load() {
    if (!key()) { askForKey(); return; }
    var days = Number($('window').value);
    var until = new Date();
    var from = new Date(until.getTime() - days * 24 * 3600 * 1000);
    var statsPath = '/v1/stats?from=' + encodeURIComponent(from.toISOString()) + '&until='
      + encodeURIComponent(until.toISOString());
    $('status').textContent = 'Loading…';
    Promise.all([api(statsPath), api('/v1/rules/versions')]).then(function (rs) {
      var stats = rs[0];
      if (stats.status === 401 || stats.status === 403) {
        sessionStorage.removeItem(KEY);
        askForKey('That key was refused: give the read key or the admin key.');
        return;
      }
      if (stats.status !== 200 || !stats.body) {
        $('status').textContent = 'The statistics are not available now (' + stats.status + '); try Refresh.';
        return;
      }
      $('key-panel').hidden = true;
      $('board').hidden = false;
      var s = stats.body;
      showStages(s.stages || {});
      showFlow(s.flow || [], days);
      showKpis(s);
      showRules(s, rs[1].status === 200 ? rs[1].body : null);
      showJourneys(s.journeys);
      showOutbox(s.actions);
      showFailed();
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
      $('status').textContent = 'Updated ' + when(new Date().toISOString()) + '.';
      document.body.dataset.loaded = 'true';
    }).catch(function () {
      $('status').textContent = 'The server did not answer; try Refresh.';
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    takeKeyFromFragment();
    $('key-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var k = $('key-input').value.trim();
      if (k) {
        sessionStorage.setItem(KEY, k);
        $('key-input').value = '';
        load();
      }
    });
    $('forget').addEventListener('click', function () {
      sessionStorage.removeItem(KEY);
      askForKey('Key forgotten.');
    });
    $('refresh').addEventListener('click', load);
    $('window').addEventListener('change', load);
    $('search-form').addEventListener('submit', function (e) { e.preventDefault(); search(false); });
    $('more').addEventListener('click', function () { search(true); });
    // a key given in the fragment of the page already open (no reload happens then)
    window.addEventListener('hashchange', function () {
      if (/^#key=/.test(window.location.hash)) { takeKeyFromFragment(); load(); }
    });
    window.addEventListener('resize', function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
    load();
  });
}());
