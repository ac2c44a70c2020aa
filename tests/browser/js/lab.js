// JupyterLab as the browser tests see it: the open notebook, its kernel, its run.
// Loaded into every page by js_loader.py; everything hangs on window.c1x1Test.
(() => {
  const t = (window.c1x1Test = window.c1x1Test || {});

  // The notebook panel in front, once its session and context exist (else null).
  t.notebookWidget = () => {
    const app = window.jupyterapp;
    if (!app) return null;
    const w = app.shell.currentWidget;
    if (!w || !w.content || !w.sessionContext || !w.context) return null;
    return w;
  };

  // The DOM node of the notebook in front (null when none is open).
  t.notebookNode = () =>
    document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');

  // The requests the kernel is handling: JupyterLab sends widget messages to kernel
  // subshells, which handle them at the same time, so the kernel's status says 'idle' when
  // one request ends while another still runs. A request is handled from its 'busy' status
  // to its 'idle' (both name it as their parent); `busy` holds those begun and not ended.
  const track = (k) => {
    if (t.trackedKernel === k) return;
    t.trackedKernel = k;
    t.busy = new Set();
    k.iopubMessage.connect((_, msg) => {
      if (msg.header.msg_type !== 'status') return;
      const id = msg.parent_header && msg.parent_header.msg_id;
      if (!id) return;
      if (msg.content.execution_state === 'busy') t.busy.add(id);
      else if (msg.content.execution_state === 'idle') t.busy.delete(id);
    });
    // A restart ends every request.
    k.statusChanged.connect((_, status) => {
      if (['starting', 'restarting', 'autorestarting', 'dead'].includes(status)) t.busy.clear();
    });
  };

  // Whether the kernel handles no request (see `track`) and no input is pending.
  t.kernelIdle = () => {
    const w = t.notebookWidget();
    if (!w || !w.context.isReady) return false;
    const s = w.sessionContext.session;
    const k = s && s.kernel;
    if (!k) return false;
    track(k);
    return k.status === 'idle' && t.busy.size === 0 && !w.sessionContext.pendingInput;
  };

  // Whether the kernel has been idle for `ms` milliseconds, as seen by successive calls
  // since the last resetQuiet().
  t.resetQuiet = () => {
    t.idleSince = null;
  };
  t.kernelQuiet = (ms) => {
    const now = performance.now();
    if (!t.kernelIdle()) {
      t.idleSince = null;
      return false;
    }
    if (t.idleSince == null) t.idleSince = now;
    return now - t.idleSince >= ms;
  };

  // What a notebook being opened waits for: 'idle' once its kernel is, 'dialog' while
  // JupyterLab asks which kernel to start, else false.
  t.openState = () => {
    if (t.kernelIdle()) return 'idle';
    if (document.querySelector('.jp-Dialog .jp-Dialog-button.jp-mod-accept')) return 'dialog';
    return false;
  };


  // Kernel status and, per code cell, whether it is empty, its execution count and prompt.
  t.runState = () => {
    const w = t.notebookWidget();
    if (!w) return null;
    const s = w.sessionContext.session;
    const k = s && s.kernel;
    const prompts = [];
    for (const cell of w.content.widgets) {
      if (cell.model.type !== 'code') continue;
      const empty = cell.model.sharedModel.getSource().trim() === '';
      const p = cell.node.querySelector('.jp-InputPrompt');
      prompts.push({empty, count: cell.model.executionCount,
                    prompt: p ? p.textContent.trim() : ''});
    }
    return {status: k ? k.status : 'none', prompts};
  };

  t.outputsCleared = () => {
    const state = t.runState();
    return !!state && state.prompts.every((p) => p.count === null);
  };

  // A run is over when the kernel is idle, no cell shows [*] and either every non-empty
  // code cell has an execution count and nothing changed for 0.5 s, or nothing changed for
  // 5 s (a cell raised and JupyterLab skipped the rest). Returns the last state, or false.
  t.startRun = () => {
    t.run = {key: null, since: performance.now()};
  };
  t.runFinished = () => {
    const state = t.runState();
    const key = JSON.stringify(state);
    const now = performance.now();
    if (key !== t.run.key) {
      t.run.key = key;
      t.run.since = now;
    }
    if (!state || state.status !== 'idle') return false;
    if (state.prompts.some((p) => p.prompt.startsWith('[*]'))) return false;
    const todo = state.prompts.some((p) => !p.empty && p.count === null);
    const quiet = now - t.run.since;
    return (todo ? quiet > 5000 : quiet > 500) ? state : false;
  };
})();
