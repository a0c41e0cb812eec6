/*
 * The workflow dashboard: plain JavaScript on the starter's REST API, no framework and no build step.
 *
 * Views are chosen by the URL's hash, so every view is a link: #/ (overview), #/jobs?<the API's own job filters>,
 * #/jobs/<id> and #/schedules. Everything the API returns is inserted as text, never as HTML.
 */
(function () {
	'use strict';

	const JOB_STATUSES = ['WAITING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'ABORTED', 'CANCELLED', 'TIMED_OUT'];
	const CANCELLABLE = ['WAITING', 'QUEUED', 'RUNNING'];
	/** Step executions that have not ended: their bars reach up to now. */
	const WAITING = ['SCHEDULED', 'QUEUED', 'RUNNING'];
	const PAGE_SIZE = 20;
	const CONTEXT_PREFIX = 'userContext.';
	const LIVE_KEY = 'workflow-dashboard.live';
	const KINDS = {
		pipeline: 'Steps run in their declared order',
		orchestration: 'A workflow method calls the steps',
		unknown: 'Jobs of this workflow are in the database, but this application does not register it'
	};

	const api = meta('workflow-api').replace(/\/+$/, '');
	const refreshMillis = Math.max(1000, parseInt(meta('workflow-refresh-interval'), 10) || 5000);
	const csrf = { token: meta('_csrf'), header: meta('_csrf_header') };

	const $ = (id) => document.getElementById(id);

	/** What the page knows between refreshes. */
	const state = {
		route: null,
		workflows: null,
		rendered: '',
		openDetails: new Set(),
		knownJobs: null,
		timer: 0,
		generation: 0
	};

	function meta(name) {
		const element = document.querySelector('meta[name="' + name + '"]');
		return element ? element.content : '';
	}

	// ---- DOM building: text only, never HTML from data ----

	function h(tag, attributes, ...children) {
		return build(document.createElement(tag), attributes, children);
	}

	function s(tag, attributes, ...children) {
		return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attributes, children);
	}

	/** Replaces an element's children; like {@code h}, it leaves out null, undefined and false. */
	function fill(element, ...children) {
		element.replaceChildren();
		return build(element, null, children);
	}

	function build(element, attributes, children) {
		for (const [name, value] of Object.entries(attributes || {})) {
			if (value === undefined || value === null || value === false) {
				continue;
			}
			if (name.startsWith('on')) {
				element.addEventListener(name.slice(2), value);
			}
			else {
				element.setAttribute(name, value === true ? '' : String(value));
			}
		}
		for (const child of children.flat()) {
			if (child !== undefined && child !== null && child !== false) {
				element.append(child instanceof Node ? child : String(child));
			}
		}
		return element;
	}

	function badge(status, testId) {
		return h('span', { 'class': 'badge', 'data-status': status, 'data-testid': testId }, status.replace('_', ' '));
	}

	function progress(job) {
		const bar = h('span');
		bar.style.width = Math.max(0, Math.min(100, job.percentComplete || 0)) + '%';
		return h('div', { 'class': 'progress', 'data-status': job.status, 'role': 'progressbar',
			'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': job.percentComplete || 0,
			'aria-label': 'Progress' }, bar);
	}

	function json(value) {
		return JSON.stringify(value, null, 2);
	}

	// ---- Times and durations ----

	const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
	const dateTimeFormat = new Intl.DateTimeFormat(undefined,
		{ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
	const preciseFormat = new Intl.DateTimeFormat(undefined,
		{ hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
	const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

	function time(iso, precise) {
		if (!iso) {
			return h('span', { 'class': 'muted' }, '—');
		}
		const date = new Date(iso);
		const today = date.toDateString() === new Date().toDateString();
		const text = precise ? preciseFormat.format(date) : (today ? timeFormat : dateTimeFormat).format(date);
		return h('time', { datetime: iso, title: date.toISOString() }, text);
	}

	function millis(iso) {
		return iso ? Date.parse(iso) : NaN;
	}

	function duration(ms) {
		if (!Number.isFinite(ms) || ms < 0) {
			return '—';
		}
		if (ms < 1000) {
			return Math.round(ms) + ' ms';
		}
		if (ms < 60000) {
			return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
		}
		const seconds = Math.round(ms / 1000);
		if (seconds < 3600) {
			return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
		}
		const minutes = Math.round(seconds / 60);
		if (minutes < 1440) {
			return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
		}
		return Math.floor(minutes / 1440) + ' d ' + Math.floor((minutes % 1440) / 60) + ' h';
	}

	function jobDuration(job) {
		const start = millis(job.startedAt || job.createdAt);
		const end = job.finishedAt ? millis(job.finishedAt) : (job.status === 'RUNNING' ? Date.now() : NaN);
		return duration(end - start);
	}

	function toLocalInput(iso) {
		const date = new Date(iso);
		if (!iso || Number.isNaN(date.getTime())) {
			return '';
		}
		const pad = (n) => String(n).padStart(2, '0');
		return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T'
			+ pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
	}

	function fromLocalInput(value) {
		const date = value ? new Date(value) : null;
		return (date && !Number.isNaN(date.getTime())) ? date.toISOString() : '';
	}

	// ---- The REST API ----

	/** A failed call, with the API's problem detail (RFC 9457) or one made up for a network failure. */
	class ProblemError extends Error {
		constructor(problem, status) {
			super(problem.detail || problem.title || ('HTTP ' + status));
			this.problem = problem;
			this.status = status;
		}
	}

	/**
	 * The CSRF token to send with an action. Spring Security's single-page-application setup (the starter's own
	 * filter chain, whose header is X-XSRF-TOKEN) wants the raw token of the XSRF-TOKEN cookie back in that header;
	 * another chain wants the token of the page's meta tags in its own header.
	 */
	function csrfToken() {
		if (csrf.token && csrf.header && csrf.header !== 'X-XSRF-TOKEN') {
			return { header: csrf.header, value: csrf.token };
		}
		const cookie = document.cookie.split(/;\s*/).find((c) => c.startsWith('XSRF-TOKEN='));
		return cookie ? { header: 'X-XSRF-TOKEN', value: decodeURIComponent(cookie.slice('XSRF-TOKEN='.length)) } : null;
	}

	async function call(path, method, body) {
		const headers = { 'Accept': 'application/json, application/problem+json' };
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
		}
		if (method && method !== 'GET') {
			const token = csrfToken();
			if (token) {
				headers[token.header] = token.value;
			}
		}
		let response;
		try {
			response = await fetch(api + path, { method: method || 'GET', headers, credentials: 'same-origin',
				cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
		}
		catch (ex) {
			throw new ProblemError({ title: 'The server cannot be reached', detail: ex.message }, 0);
		}
		const type = response.headers.get('Content-Type') || '';
		const content = type.includes('json') ? await response.json().catch(() => null) : null;
		if (!response.ok) {
			const problem = (content && typeof content === 'object') ? content
				: { title: response.status + ' ' + (response.statusText || 'error') };
			throw new ProblemError(problem, response.status);
		}
		return content;
	}

	// ---- Notices: results of actions and problems ----

	function showNotice(ok, title, detail, errors) {
		const notice = $('notice');
		fill(notice, h('strong', null, title), detail ? h('span', null, detail) : null,
			(errors && errors.length) ? h('ul', null, errors.map((e) =>
				h('li', null, (e.parameter ? e.parameter + ': ' : '') + (e.message || '')))) : null);
		notice.classList.toggle('ok', ok);
		notice.setAttribute('role', ok ? 'status' : 'alert');
		notice.dataset.kind = ok ? 'ok' : 'problem';
		notice.hidden = false;
	}

	function showProblem(error) {
		const problem = (error && error.problem) || { title: 'Something went wrong', detail: String(error) };
		showNotice(false, problem.title || 'Request failed', problem.detail, problem.errors);
	}

	function clearNotice() {
		$('notice').hidden = true;
	}

	// ---- Routing ----

	function parseRoute() {
		const hash = location.hash.replace(/^#/, '') || '/';
		const mark = hash.indexOf('?');
		const path = mark < 0 ? hash : hash.slice(0, mark);
		const params = new URLSearchParams(mark < 0 ? '' : hash.slice(mark + 1));
		const match = path.match(/^\/jobs\/([^/]+)$/);
		if (match) {
			return { view: 'job', id: decodeURIComponent(match[1]), key: path };
		}
		if (path === '/jobs') {
			return { view: 'jobs', params, key: path + '?' + params };
		}
		if (path === '/schedules') {
			return { view: 'schedules', key: path };
		}
		return { view: 'overview', key: '/' };
	}

	function show(view) {
		for (const name of ['overview', 'jobs', 'job', 'schedules']) {
			$('view-' + name).hidden = name !== view;
		}
		const current = view === 'overview' ? 'nav-overview' : view === 'schedules' ? 'nav-schedules' : 'nav-jobs';
		for (const link of document.querySelectorAll('.top nav a')) {
			if (link.id === current) {
				link.setAttribute('aria-current', 'page');
			}
			else {
				link.removeAttribute('aria-current');
			}
		}
	}

	async function navigate() {
		const route = parseRoute();
		const initial = !state.route;
		const changed = initial || state.route.key !== route.key;
		state.route = route;
		if (changed) {
			state.rendered = '';
			state.openDetails.clear();
			state.knownJobs = null;
			clearNotice();
			show(route.view);
		}
		await refresh(changed);
		if (changed && !initial) {
			const heading = document.querySelector('#view-' + route.view + ' h1');
			if (heading) {
				heading.setAttribute('tabindex', '-1');
				heading.focus({ preventScroll: true });
			}
		}
	}

	async function refresh(first) {
		const generation = ++state.generation;
		clearTimeout(state.timer);
		const route = state.route;
		try {
			if (route.view === 'overview') {
				await loadOverview(generation);
			}
			else if (route.view === 'jobs') {
				await loadJobs(route.params, generation, first);
			}
			else if (route.view === 'schedules') {
				await loadSchedules(generation);
			}
			else {
				await loadJob(route.id, generation);
			}
			if (generation === state.generation) {
				$('last-refresh').textContent = 'Updated ' + timeFormat.format(new Date());
				if (!first && $('notice').dataset.kind === 'problem' && $('notice').dataset.source === 'refresh') {
					clearNotice();
				}
			}
		}
		catch (error) {
			if (generation === state.generation) {
				showProblem(error);
				$('notice').dataset.source = 'refresh';
			}
		}
		finally {
			if (generation === state.generation) {
				schedule();
			}
		}
	}

	function schedule() {
		clearTimeout(state.timer);
		if ($('live-toggle').checked && !document.hidden) {
			state.timer = setTimeout(() => refresh(false), refreshMillis);
		}
	}

	/** Skips re-rendering when the API answered the same as last time, so open details and scroll stay put. */
	function unchanged(data) {
		const text = JSON.stringify(data);
		if (text === state.rendered) {
			return true;
		}
		state.rendered = text;
		return false;
	}

	// ---- Overview ----

	async function workflows() {
		state.workflows = await call('/workflows');
		return state.workflows;
	}

	async function loadOverview(generation) {
		const list = await workflows();
		if (generation !== state.generation || unchanged(list)) {
			return;
		}
		const cards = $('workflow-cards');
		cards.setAttribute('aria-busy', 'false');
		if (!list.length) {
			fill(cards, h('p', { 'class': 'empty' }, 'No workflows are registered in this application.'));
			return;
		}
		fill(cards, ...list.map(workflowCard));
	}

	function workflowCard(workflow) {
		const jobsOf = (status) => jobsLink({ workflow: workflow.name, status });
		const counts = workflow.counts || {};
		return h('article', { 'class': 'card', 'data-testid': 'workflow-card', 'data-workflow': workflow.name },
			h('div', { 'class': 'card-head' },
				h('h3', null, h('a', { href: jobsOf(''), 'data-testid': 'workflow-link' }, workflow.name)),
				h('span', { 'class': 'card-tags' },
					workflow.pausedAt ? h('span', { 'class': 'paused', 'data-testid': 'paused-badge',
						title: 'Paused since ' + new Date(workflow.pausedAt).toISOString() }, 'paused') : null,
					h('span', { 'class': 'kind', title: KINDS[workflow.kind] || KINDS.unknown },
						workflow.kind || 'not registered'))),
			(workflow.steps && workflow.steps.length)
				? h('p', { 'class': 'steps-line' }, workflow.steps.join(workflow.kind === 'pipeline' ? ' → ' : ' · '))
				: null,
			h('div', { 'class': 'counts' }, JOB_STATUSES.map((status) => {
				const n = counts[status] || 0;
				// Counts stop at the limit: one that reaches it means at least that many.
				const shown = (workflow.countLimit && n >= workflow.countLimit) ? n + '+' : String(n);
				return h('a', { 'class': n ? 'count' : 'count zero', href: jobsOf(status), 'data-status': status,
					'data-testid': 'count-' + status, 'aria-label': shown + ' ' + status.toLowerCase() + ' jobs' },
				h('span', { 'class': 'n' }, shown), h('span', { 'class': 'label' }, status));
			})),
			h('div', { 'class': 'hour' },
				h('span', { 'data-testid': 'completed-last-hour' }, h('b', null, workflow.completedLastHour || 0),
					' completed'),
				h('span', { 'data-testid': 'failed-last-hour' }, h('b', null, workflow.failedLastHour || 0), ' failed'),
				h('span', { 'class': 'muted' }, 'in the last hour')),
			throughputChart(workflow.throughput || []),
			workflow.kind ? h('div', { 'class': 'card-actions' },
				workflow.pausedAt
					? h('button', { type: 'button', 'class': 'primary', 'data-testid': 'workflow-resume',
						onclick: () => pauseWorkflow(workflow.name, false) }, 'Resume')
					: h('button', { type: 'button', 'data-testid': 'workflow-pause',
						onclick: () => pauseWorkflow(workflow.name, true) }, 'Pause')) : null);
	}

	async function pauseWorkflow(name, pause) {
		const confirmed = await confirmAction(pause ? 'Pause ' + name + '?' : 'Resume ' + name + '?',
			pause ? 'No step of its jobs starts until it is resumed, on any instance. Steps running now finish; '
				+ 'new jobs are accepted and wait.'
				: 'The steps that waited are dispatched, and its jobs go on.',
			pause ? 'Pause' : 'Resume');
		if (!confirmed) {
			return;
		}
		await acting(null, async () => {
			await call('/workflows/' + encodeURIComponent(name) + '/' + (pause ? 'pause' : 'resume'), 'POST');
			showNotice(true, pause ? 'Workflow paused' : 'Workflow resumed', name);
		});
	}

	// ---- Schedules ----

	async function loadSchedules(generation) {
		const list = await call('/schedules');
		if (generation !== state.generation || unchanged(list)) {
			return;
		}
		$('schedules-empty').hidden = list.length > 0;
		fill($('schedule-rows'), ...list.map(scheduleRow));
	}

	function scheduleRow(schedule) {
		const action = (label, testId, what, extra) => h('button', Object.assign({ type: 'button',
			'data-testid': testId, onclick: () => scheduleAction(schedule, what) }, extra || {}), label);
		return h('tr', { 'data-testid': 'schedule-row', 'data-schedule': schedule.name },
			h('td', null, h('span', { 'class': 'mono' }, schedule.name),
				schedule.declared ? h('span', { 'class': 'kind', title: 'Declared with @WorkflowSchedule' }, 'declared')
					: null),
			h('td', null, h('a', { href: jobsLink({ workflow: schedule.workflow, status: '' }) }, schedule.workflow)),
			h('td', null, h('code', null, schedule.cron), h('span', { 'class': 'muted' }, ' ' + schedule.zone)),
			h('td', { 'data-testid': 'schedule-next' }, schedule.paused ? h('span', { 'class': 'muted' }, 'paused')
				: time(schedule.nextFireAt)),
			h('td', null, time(schedule.lastFireAt),
				schedule.lastJobId ? h('a', { 'class': 'mono', href: '#/jobs/' + encodeURIComponent(schedule.lastJobId),
					'data-testid': 'schedule-last-job' }, ' ' + schedule.lastJobId.slice(0, 8)) : null,
				schedule.lastError ? h('div', { 'class': 'error-line', 'data-testid': 'schedule-error' },
					schedule.lastError) : null),
			h('td', { 'data-testid': 'schedule-state' }, h('span', { 'class': 'badge',
				'data-status': schedule.paused ? 'CANCELLED' : 'RUNNING' }, schedule.paused ? 'paused' : 'active')),
			h('td', { 'class': 'row-actions' },
				schedule.paused ? action('Resume', 'schedule-resume', 'resume', { 'class': 'primary' })
					: action('Pause', 'schedule-pause', 'pause'),
				action('Run now', 'schedule-trigger', 'trigger'),
				schedule.declared ? null : action('Delete', 'schedule-delete', 'delete', { 'class': 'danger' })));
	}

	async function scheduleAction(schedule, what) {
		const texts = {
			pause: ['Pause ' + schedule.name + '?', 'It starts no job until resumed.', 'Pause'],
			resume: ['Resume ' + schedule.name + '?', 'It goes on from its next fire time after now.', 'Resume'],
			trigger: ['Run ' + schedule.name + ' now?', 'One job of ' + schedule.workflow + ' starts now, with the '
				+ 'schedule\'s input; the next fire time stays.', 'Run now'],
			'delete': ['Delete ' + schedule.name + '?', 'It starts no more jobs; the jobs it started go on.', 'Delete']
		};
		const [title, text, label] = texts[what];
		if (!await confirmAction(title, text, label)) {
			return;
		}
		const path = '/schedules/' + encodeURIComponent(schedule.name);
		await acting(null, async () => {
			if (what === 'delete') {
				await call(path, 'DELETE');
				showNotice(true, 'Schedule deleted', schedule.name);
			}
			else {
				const answer = await call(path + '/' + what, 'POST');
				showNotice(true, what === 'trigger' ? 'Job started' : what === 'pause' ? 'Schedule paused'
					: 'Schedule resumed', what === 'trigger' && answer ? 'Job ' + answer.id : schedule.name);
			}
		});
	}

	function throughputChart(minutes) {
		const width = 300;
		const height = 60;
		const gap = 3;
		const slot = width / Math.max(minutes.length, 1);
		const peak = Math.max(1, ...minutes.map((m) => (m.completed || 0) + (m.failed || 0)));
		const total = minutes.reduce((sum, m) => sum + (m.completed || 0) + (m.failed || 0), 0);
		const label = 'Jobs ended per minute over the last ' + minutes.length + ' minutes: ' + total + ' in all';
		const bars = minutes.map((m, i) => {
			const completed = (m.completed || 0) / peak * (height - 2);
			const failed = (m.failed || 0) / peak * (height - 2);
			const x = i * slot + gap / 2;
			const w = Math.max(slot - gap, 1);
			return s('g', null,
				s('title', null, minuteFormat.format(new Date(m.minute)) + ': ' + (m.completed || 0) + ' completed, '
					+ (m.failed || 0) + ' failed'),
				s('rect', { x, y: 0, width: w, height, fill: 'transparent' }),
				completed ? s('rect', { 'class': 'bar-completed', x, y: height - completed, width: w, height: completed,
					rx: 1.5 }) : null,
				failed ? s('rect', { 'class': 'bar-failed', x, y: height - completed - failed, width: w, height: failed,
					rx: 1.5 }) : null);
		});
		return h('figure', { 'class': 'throughput' },
			s('svg', { 'class': 'chart', viewBox: '0 0 ' + width + ' ' + height, preserveAspectRatio: 'none',
				role: 'img', 'aria-label': label, 'data-testid': 'throughput-chart' },
			s('line', { 'class': 'axis', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5 }), bars),
			h('figcaption', { 'class': 'chart-legend' }, h('span', null, minutes.length + ' min ago'),
				h('span', null, 'completed and failed per minute'), h('span', null, 'now')));
	}

	// ---- Job list ----

	function jobsLink(filters) {
		const params = new URLSearchParams();
		for (const [name, value] of Object.entries(filters)) {
			if (value) {
				params.set(name, value);
			}
		}
		const query = params.toString();
		return '#/jobs' + (query ? '?' + query : '');
	}

	function contextFilter(params) {
		for (const [name, value] of params) {
			if (name.startsWith(CONTEXT_PREFIX)) {
				return { field: name.slice(CONTEXT_PREFIX.length), value };
			}
		}
		return { field: '', value: '' };
	}

	async function fillFilters(params) {
		const select = $('filter-workflow');
		const names = (state.workflows || await workflows()).map((w) => w.name);
		const wanted = params.get('workflow') || '';
		if (wanted && !names.includes(wanted)) {
			names.push(wanted);
		}
		const current = Array.from(select.options).slice(1).map((o) => o.value);
		if (current.join('\n') !== names.join('\n')) {
			fill(select, select.options[0], ...names.map((name) => h('option', { value: name }, name)));
		}
		select.value = wanted;
		$('filter-status').value = params.get('status') || '';
		$('filter-created-after').value = toLocalInput(params.get('createdAfter'));
		$('filter-created-before').value = toLocalInput(params.get('createdBefore'));
		const context = contextFilter(params);
		$('filter-context-field').value = context.field;
		$('filter-context-value').value = context.value;
	}

	function filtersFromForm() {
		const filters = {
			workflow: $('filter-workflow').value,
			status: $('filter-status').value,
			createdAfter: fromLocalInput($('filter-created-after').value),
			createdBefore: fromLocalInput($('filter-created-before').value)
		};
		const field = $('filter-context-field').value.trim();
		if (field) {
			filters[CONTEXT_PREFIX + field] = $('filter-context-value').value;
		}
		return filters;
	}

	async function loadJobs(params, generation, first) {
		if (first) {
			await fillFilters(params);
		}
		const query = new URLSearchParams(params);
		query.set('size', String(PAGE_SIZE));
		const page = await call('/jobs?' + query);
		if (generation !== state.generation || unchanged(page)) {
			return;
		}
		const known = state.knownJobs;
		state.knownJobs = new Set(page.items.map((job) => job.id));
		fill($('job-rows'), ...page.items.map((job) => jobRow(job, known && !known.has(job.id))));
		$('jobs-empty').hidden = page.items.length > 0;
		const number = page.page || 0;
		$('page-prev').disabled = number === 0;
		$('page-next').disabled = !page.hasNext;
		$('page-info').textContent = 'Page ' + (number + 1);
		$('page-info').dataset.page = String(number);
	}

	function jobRow(job, isNew) {
		const context = Object.entries(job.userContext || {})
			.map(([key, value]) => key + '=' + (typeof value === 'string' ? value : JSON.stringify(value)))
			.join(', ');
		return h('tr', { 'class': isNew ? 'new' : null, 'data-testid': 'job-row', 'data-job-id': job.id,
			'data-status': job.status, 'data-workflow': job.workflow },
		h('td', { 'class': 'mono nowrap' }, h('a', { href: '#/jobs/' + encodeURIComponent(job.id),
			'data-testid': 'job-link', title: job.id, 'aria-label': 'Job ' + job.id }, job.id.slice(0, 8))),
		h('td', null, job.workflow),
		h('td', null, badge(job.status, 'job-row-status')),
		h('td', null, job.currentStep || h('span', { 'class': 'muted' }, '—')),
		h('td', { title: job.stepsCompleted + (job.stepsCompleted === 1 ? ' step' : ' steps') + ' completed' },
			progress(job)),
		h('td', null, h('div', { 'class': 'ctx', title: context }, context || '—')),
		h('td', { 'class': 'nowrap' }, time(job.createdAt)),
		h('td', { 'class': 'nowrap' }, jobDuration(job)));
	}

	/** Retries, cancels or deletes every job the list's filters match, after a count and a confirmation. */
	async function bulkAction() {
		const action = $('bulk-action').value;
		const filters = new URLSearchParams(state.route.params);
		filters.delete('page');
		filters.delete('size');
		await acting($('bulk-run'), async () => {
			const counted = await call('/bulk/' + action + '?' + filters + (filters.toString() ? '&' : '') + 'dryRun=true',
				'POST');
			const n = counted.matched;
			const texts = {
				retry: ['Retry the FAILED jobs among ' + n + ' matching jobs?', 'Each runs again from its failed step; '
					+ 'the others are left as they are.', 'Retry them'],
				cancel: ['Cancel the ' + n + ' matching jobs?', 'Those that have not ended stop at their next step and '
					+ 'end CANCELLED; ended ones are left as they are.', 'Cancel them'],
				'delete': ['Delete the ended jobs among ' + n + ' matching jobs?', 'They and their history are gone for '
					+ 'good; jobs that have not ended are left.', 'Delete them']
			};
			const [title, text, label] = texts[action];
			if (!n) {
				showNotice(true, 'No jobs match these filters', '');
				return;
			}
			if (!await confirmAction(title, text, label)) {
				return;
			}
			const result = await call('/bulk/' + action + '?' + filters, 'POST');
			showNotice(true, { retry: 'Retried', cancel: 'Cancelled', 'delete': 'Deleted' }[action] + ' ' + result.done
				+ ' of ' + result.matched + ' jobs', result.skipped ? result.skipped + ' skipped' : '',
				(result.reasons || []).slice(0, 3).map((message) => ({ message })));
		});
	}

	function goToPage(delta) {
		const params = new URLSearchParams(state.route.params);
		const page = Math.max(0, (parseInt(params.get('page'), 10) || 0) + delta);
		if (page) {
			params.set('page', String(page));
		}
		else {
			params.delete('page');
		}
		location.hash = '#/jobs' + (params.toString() ? '?' + params : '');
	}

	// ---- Job detail ----

	async function loadJob(id, generation) {
		const detail = await call('/jobs/' + encodeURIComponent(id));
		if (generation !== state.generation || unchanged(detail)) {
			return;
		}
		renderJob(detail.job, detail.steps || [], detail.actions || []);
	}

	function renderJob(job, steps, actions) {
		document.title = job.workflow + ' ' + job.id.slice(0, 8) + ' · Workflows';
		$('view-job').dataset.jobId = job.id;
		$('job-workflow').textContent = job.workflow;
		const status = $('job-status');
		status.dataset.status = job.status;
		status.textContent = job.status;
		$('job-id').textContent = job.id;
		fill($('job-progress'), progress(job));
		$('action-cancel').hidden = !CANCELLABLE.includes(job.status);
		$('action-retry').hidden = job.status !== 'FAILED';
		// The same JSON as this page reads, downloaded: WorkflowReplayer replays it (JobHistory.fromJson).
		$('action-export').href = api + '/jobs/' + encodeURIComponent(job.id);
		$('action-export').download = 'job-' + job.id + '.json';
		$('job-back').href = '#/jobs?workflow=' + encodeURIComponent(job.workflow);

		const field = (label, value, testId) => h('div', { 'data-testid': testId }, h('dt', null, label),
			h('dd', null, value));
		fill($('job-fields'),
			field('Current step', job.currentStep || '—', 'field-current-step'),
			field('Progress', job.stepsCompleted + (job.stepsCompleted === 1 ? ' step' : ' steps') + ' completed, '
				+ job.percentComplete + '%', 'field-progress'),
			field('Created', time(job.createdAt, true), 'field-created'),
			field('Started', time(job.startedAt, true), 'field-started'),
			field('Finished', time(job.finishedAt, true), 'field-finished'),
			field('Deadline', time(job.deadlineAt, true), 'field-deadline'),
			field('Duration', jobDuration(job), 'field-duration'),
			field('Idempotency key', job.idempotencyKey || '—', 'field-idempotency-key'),
			field('Concurrency key', job.concurrencyKey || '—', 'field-concurrency-key'),
			field('Priority', String(job.priority), 'field-priority'),
			field('Definition version', job.definitionVersion || '—', 'field-definition-version'),
			actions.length ? field('Bulk actions', h('ul', { 'class': 'plain' }, actions.map((action) =>
				h('li', { 'data-testid': 'job-action' }, action.action + ' by ' + action.actor + ', ',
					time(action.at, true)))), 'field-actions') : null);

		const error = $('job-error');
		error.hidden = !job.error;
		error.dataset.status = job.status;
		if (job.error) {
			fill(error, h('div', { 'class': 'etype' }, job.error.type || 'Error'),
				h('p', { 'class': 'emsg', 'data-testid': 'job-error-message' }, job.error.message || ''),
				job.error.stackTrace ? expandable('Stack trace', job.error.stackTrace, 'job-stack') : null);
		}

		fill($('job-data'),
			h('section', { 'data-testid': 'job-user-context' }, h('h3', null, 'User context'),
				h('pre', null, json(job.userContext || {}))),
			(job.output !== null && job.output !== undefined)
				? h('section', { 'data-testid': 'job-output' }, h('h3', null, 'Output'), h('pre', null, json(job.output)))
				: null);

		renderTimeline(job, steps);
	}

	function expandable(label, content, key) {
		const details = h('details', { 'data-key': key, ontoggle: (event) => {
			if (event.target.open) {
				state.openDetails.add(key);
			}
			else {
				state.openDetails.delete(key);
			}
		} }, h('summary', null, label), h('pre', null, typeof content === 'string' ? content : json(content)));
		details.open = state.openDetails.has(key);
		return details;
	}

	function renderTimeline(job, steps) {
		const now = Date.now();
		const startOf = (e) => millis(e.startedAt) || millis(e.createdAt);
		const endOf = (e) => millis(e.finishedAt) || (WAITING.includes(e.status) ? now : startOf(e));
		const starts = steps.map(startOf).concat(millis(job.startedAt) || millis(job.createdAt)).filter(Number.isFinite);
		const ends = steps.map(endOf).concat(millis(job.finishedAt) || now).filter(Number.isFinite);
		const origin = Math.min(...starts);
		const span = Math.max(Math.max(...ends) - origin, 1);

		const timeline = $('timeline');
		if (!steps.length) {
			fill(timeline, h('li', { 'class': 'empty' }, 'No step has been scheduled yet.'));
			return;
		}
		fill(timeline, ...steps.map((execution) => {
			const start = startOf(execution);
			const end = endOf(execution);
			const bar = h('div', { 'class': 'tl-bar' });
			bar.style.left = ((start - origin) / span * 100) + '%';
			bar.style.width = (Math.max(end - start, 0) / span * 100) + '%';
			const ran = execution.startedAt ? duration(end - millis(execution.startedAt)) : '—';
			const times = [];
			if (execution.startedAt) {
				times.push('started ', time(execution.startedAt, true));
			}
			else if (execution.dueAt) {
				times.push('due ', time(execution.dueAt, true));
			}
			else {
				times.push('queued ', time(execution.createdAt, true));
			}
			if (execution.finishedAt) {
				times.push(' · finished ', time(execution.finishedAt, true));
			}
			if (execution.workerId) {
				times.push(' · on ', h('span', { 'class': 'mono' }, execution.workerId));
			}
			const key = execution.id;
			return h('li', { 'class': 'tl-item', 'data-testid': 'timeline-item', 'data-status': execution.status,
				'data-step': execution.step, 'data-attempt': execution.attempt },
			h('div', { 'class': 'tl-step' },
				h('span', { 'class': 'tl-seq', title: 'Sequence' }, '#' + execution.sequence),
				h('span', { 'class': 'tl-name', 'data-testid': 'timeline-step' }, execution.step),
				execution.attempt > 1 || execution.status === 'FAILED'
					? h('span', { 'class': 'tl-attempt' }, 'attempt ' + execution.attempt) : null,
				badge(execution.status, 'timeline-status')),
			h('div', { 'class': 'tl-track', title: execution.step + ': ' + ran }, bar),
			h('div', { 'class': 'tl-duration' }, ran),
			h('div', { 'class': 'tl-times' }, times),
			execution.error ? h('div', { 'class': 'tl-error', 'data-testid': 'timeline-error' },
				h('code', null, execution.error.type), ': ', execution.error.message || '') : null,
			h('div', { 'class': 'tl-details' },
				expandable('Input', execution.input === undefined ? null : execution.input, key + ':input'),
				execution.output !== null && execution.output !== undefined
					? expandable('Output', execution.output, key + ':output') : null,
				execution.error && execution.error.stackTrace
					? expandable('Stack trace', execution.error.stackTrace, key + ':stack') : null));
		}));
	}

	// ---- Actions ----

	/**
	 * Runs an action the operator confirmed: the button (if any) is disabled meanwhile, a problem is shown as a
	 * notice, and the view is read again afterwards.
	 */
	async function acting(button, work) {
		if (button) {
			button.disabled = true;
		}
		try {
			await work();
			state.rendered = '';
			await refresh(false);
		}
		catch (error) {
			showProblem(error);
		}
		finally {
			if (button) {
				button.disabled = false;
			}
		}
	}

	function confirmAction(title, text, confirmLabel) {
		const dialog = $('confirm-dialog');
		$('confirm-title').textContent = title;
		$('confirm-text').textContent = text;
		$('confirm-yes').textContent = confirmLabel;
		dialog.returnValue = '';
		return new Promise((resolve) => {
			dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
			dialog.showModal();
			$('confirm-no').focus();
		});
	}

	async function act(action) {
		const id = state.route && state.route.id;
		if (!id) {
			return;
		}
		const cancel = action === 'cancel';
		const confirmed = await confirmAction(cancel ? 'Cancel this job?' : 'Retry this job?',
			cancel ? 'The job stops at its next step and ends CANCELLED. A step running now is not interrupted, '
				+ 'but its result is discarded.'
				: 'The job runs again from the step that failed, with the same input.',
			cancel ? 'Cancel job' : 'Retry');
		if (!confirmed) {
			return;
		}
		await acting($(cancel ? 'action-cancel' : 'action-retry'), async () => {
			const job = await call('/jobs/' + encodeURIComponent(id) + '/' + action, 'POST');
			showNotice(true, cancel ? 'Job cancelled' : 'Retry started',
				job && job.status ? 'The job is ' + job.status + ' now.' : '');
		});
	}

	// ---- Start ----

	function start() {
		const statusSelect = $('filter-status');
		for (const status of JOB_STATUSES) {
			statusSelect.append(h('option', { value: status }, status));
		}
		$('filter-context-value').title = 'Numbers, true, false and null match JSON values; '
			+ 'write "42" with quotes to match the string';
		$('job-filters').addEventListener('submit', (event) => {
			event.preventDefault();
			location.hash = jobsLink(filtersFromForm());
		});
		$('filter-reset').addEventListener('click', () => {
			location.hash = '#/jobs';
		});
		$('bulk-run').addEventListener('click', bulkAction);
		$('page-prev').addEventListener('click', () => goToPage(-1));
		$('page-next').addEventListener('click', () => goToPage(1));
		$('action-cancel').addEventListener('click', () => act('cancel'));
		$('action-retry').addEventListener('click', () => act('retry'));

		const live = $('live-toggle');
		live.checked = localStorage.getItem(LIVE_KEY) !== 'off';
		live.addEventListener('change', () => {
			localStorage.setItem(LIVE_KEY, live.checked ? 'on' : 'off');
			if (live.checked) {
				refresh(false);
			}
			else {
				clearTimeout(state.timer);
			}
		});
		document.addEventListener('visibilitychange', () => {
			if (!document.hidden && live.checked) {
				refresh(false);
			}
		});
		window.addEventListener('hashchange', navigate);
		navigate();
	}

	start();
})();
