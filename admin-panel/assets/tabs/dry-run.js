// The dry run of an inbound webhook's script: a sample body typed as JSON, a Run button, and what
// the script did in the server's sandbox. Nothing in the outcome is trusted: results, arguments
// and log lines are whatever the script produced, so they are shown as text only.
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { badge, busy, formError, showFormError } from '../ui.js';
import { chipList } from './api-key-usage.js';

const SAMPLE = '{\n  "action": "created"\n}';

/** Pretty JSON for a `<pre>`; `undefined` (no result) reads as null, like the API sends it. */
function asJson(value) {
  return JSON.stringify(value ?? null, null, 2);
}

/** The server measures in fractions of a millisecond; people read whole ones. */
function duration(ms) {
  return ms < 1 ? 'under 1 ms' : `${Math.round(ms)} ms`;
}

/** Parses the sample body, or says where it is not JSON. */
function readSample(text) {
  if (text.trim() === '') return { problem: 'Type a sample body: the JSON a provider would send.' };
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    return { problem: `The sample body is not valid JSON: ${error.message}` };
  }
}

function part(id, title, ...content) {
  return h(
    'section',
    { class: 'dry-run-part', id },
    h('h4', { class: 'dry-run-title' }, title),
    ...content,
  );
}

function callsList(calls) {
  if (calls.length === 0) return h('p', { class: 'muted small' }, 'No action was called.');
  return h(
    'ol',
    { class: 'dry-run-calls' },
    calls.map((call) =>
      h(
        'li',
        {},
        h('code', { class: 'dry-run-call-id' }, call.id),
        h('code', { class: 'dry-run-call-args' }, `(${(call.args ?? []).map(asJson).join(', ')})`),
      ),
    ),
  );
}

/** The outcome of one run, in the order an admin reads it: did it work, what it returned, did. */
function outcome(prefix, run) {
  const failed = typeof run.error === 'string' && run.error !== '';
  return [
    h(
      'div',
      { class: 'dry-run-status' },
      failed ? badge('Failed', 'warning') : badge('Ran', 'success'),
      h('span', { class: 'muted small', id: `${prefix}-duration` }, duration(run.durationMs)),
      h(
        'span',
        { class: 'muted small' },
        'Dry run: no action was called and no event was emitted.',
      ),
    ),
    failed
      ? part(
          `${prefix}-error`,
          'Error',
          h('pre', { class: 'dry-run-pre dry-run-error' }, run.error),
        )
      : null,
    part(
      `${prefix}-result`,
      'Result',
      h('pre', { class: 'dry-run-pre' }, asJson(run.result)),
      run.result === null || run.result === undefined
        ? h('p', { class: 'muted small' }, 'No result: a real delivery would emit no event.')
        : null,
    ),
    part(
      `${prefix}-calls`,
      'Action calls it would make (recorded, not made)',
      callsList(run.calls ?? []),
    ),
    part(
      `${prefix}-logs`,
      'Logs',
      (run.logs ?? []).length > 0
        ? h('pre', { class: 'dry-run-pre' }, run.logs.join('\n'))
        : h('p', { class: 'muted small' }, 'Nothing logged.'),
    ),
    part(
      `${prefix}-actions`,
      'Actions the script received',
      chipList(run.actions ?? [], 'None: enabled globally and allowed here, with dependencies'),
    ),
  ];
}

/**
 * The dry-run panel. Element ids start with `prefix` (`-body`, `-run`, `-outcome`, and one per
 * part of the outcome). `run(body)` asks the server and resolves its answer; a refusal (a draft
 * the API rejects) is shown in the panel's error line.
 */
export function dryRunPanel({ prefix, intro, run }) {
  const sample = h('textarea', {
    class: 'input textarea dry-run-body',
    id: `${prefix}-body`,
    rows: '6',
    spellcheck: 'false',
    autocomplete: 'off',
    value: SAMPLE,
  });
  const error = formError();
  const result = h('div', {
    class: 'dry-run-outcome',
    id: `${prefix}-outcome`,
    'aria-live': 'polite',
  });
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-primary', id: `${prefix}-run`, onClick: () => void go() },
    icon('replay'),
    h('span', {}, 'Run'),
  );

  async function go() {
    error.hidden = true;
    const read = readSample(sample.value);
    if (read.problem) {
      showFormError(error, read.problem);
      sample.focus();
      return;
    }
    await busy(button, async () => {
      try {
        replace(result, outcome(prefix, await run(read.body)));
      } catch (failure) {
        replace(result);
        showFormError(error, failure);
      }
    });
  }

  return {
    element: h(
      'div',
      { class: 'dry-run' },
      intro ? h('p', { class: 'muted small' }, intro) : null,
      h('label', { for: sample.id, class: 'dry-run-label' }, 'Sample body (JSON)'),
      sample,
      h('div', { class: 'dry-run-actions' }, button),
      error,
      result,
    ),
    focus: () => sample.focus(),
  };
}
