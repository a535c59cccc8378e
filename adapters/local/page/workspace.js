// The workspace page: shows Operator's neutral messages (plan cards, their threads, prompts with
// buttons, citations, the digest) as they arrive over server-sent events, and sends /op
// commands, button clicks, forms (Edit, Deny) and thread replies. Plain browser JavaScript: no
// build step.
/* global document, EventSource, fetch, crypto, CSS */
'use strict';

const channel = document.getElementById('channel');
const connection = document.getElementById('connection');
/** id -> the element that shows that entry's message */
const shown = new Map();

/** A fresh id per request, so a resent request is recognised; works on plain http too. */
function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Chat markup as DOM (never as HTML): `code`, *bold*, _italic_ and line breaks. */
function formatted(tag, className, text) {
  const node = element(tag, className);
  text.split('\n').forEach((line, index) => {
    if (index > 0) node.append(document.createElement('br'));
    for (const part of line.split(/(`[^`]+`|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/)) {
      if (/^`.+`$/.test(part)) node.append(element('code', '', part.slice(1, -1)));
      else if (/^\*.+\*$/.test(part)) node.append(element('strong', '', part.slice(1, -1)));
      else if (/^_.+_$/.test(part)) node.append(element('em', '', part.slice(1, -1)));
      else if (part) node.append(document.createTextNode(part));
    }
  });
  return node;
}

function renderMessage(message, entry) {
  const box = element('div', `message${entry && entry.author === 'you' ? ' you' : ''}`);
  if (entry && entry.threadId) box.append(element('div', 'author', entry.author === 'you' ? 'you' : 'Operator'));
  if (message.title) box.append(element('h3', '', message.title));
  if (message.text) box.append(formatted('p', 'text', message.text));
  if (message.fields && message.fields.length) {
    const list = element('dl', 'fields');
    for (const field of message.fields) list.append(element('dt', '', field.label), formatted('dd', '', field.value));
    box.append(list);
  }
  if (message.steps && message.steps.length) {
    const list = element('ol', 'steps');
    for (const step of message.steps) {
      const item = element('li', step.state, step.title);
      item.dataset.state = step.state;
      list.append(item);
    }
    box.append(list);
  }
  if (message.progress) {
    const row = element('div', 'progress');
    const bar = element('progress');
    bar.max = Math.max(1, message.progress.total);
    bar.value = message.progress.done;
    row.append(bar, element('span', '', `${message.progress.done}/${message.progress.total} steps`));
    box.append(row);
  }
  if (message.buttons && message.buttons.length) {
    const row = element('div', 'buttons');
    for (const button of message.buttons) {
      const node = element('button', button.style || '', button.label);
      node.type = 'button';
      node.dataset.action = button.action;
      node.addEventListener('click', () => click(row, button, entry));
      row.append(node);
    }
    box.append(row);
  }
  if (message.citations && message.citations.length) {
    const list = element('ol', 'citations');
    for (const citation of message.citations) {
      const item = element('li', '', `[${citation.index}] `);
      if (citation.url && /^https?:\/\//.test(citation.url)) {
        const link = element('a', '', citation.label);
        link.href = citation.url;
        link.rel = 'noopener noreferrer';
        link.target = '_blank';
        item.append(link);
      } else {
        item.append(document.createTextNode(citation.label));
      }
      list.append(item);
    }
    box.append(list);
  }
  if (message.footer) box.append(formatted('div', 'footer', message.footer));
  return box;
}

/** A plan card: its message, then its thread with a reply box. */
function cardShell(id, hasThread) {
  const card = element('article', hasThread ? 'card' : 'channel-message');
  card.dataset.id = id;
  card.append(element('div', 'slot'));
  if (hasThread) {
    const thread = element('section', 'thread');
    thread.setAttribute('aria-label', 'thread');
    const messages = element('div', 'thread-messages');
    const form = element('form', 'reply');
    const input = element('input');
    input.name = 'reply';
    input.placeholder = 'Reply in thread…';
    input.setAttribute('aria-label', 'Reply in thread');
    form.append(input, element('button', '', 'Reply'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      // As in Slack, a slash command typed in a thread is a command, not a reply.
      const sent = /^\/op(\s|$)/i.test(text) ? send('/workspace/command', { text }) : send('/workspace/reply', { threadId: id, text });
      sent.then((reply) => reply && showPrivately(reply, messages));
    });
    thread.append(messages, form);
    card.append(thread);
  }
  channel.append(card);
  return card;
}

function show(entry) {
  const node = renderMessage(entry.message, entry);
  node.dataset.id = entry.id;
  const existing = shown.get(entry.id);
  if (existing) {
    existing.replaceWith(node);
  } else if (entry.threadId) {
    const card = channel.querySelector(`article[data-id="${CSS.escape(entry.threadId)}"]`) || cardShell(entry.threadId, true);
    card.querySelector('.thread-messages').append(node);
  } else {
    const card = channel.querySelector(`article[data-id="${CSS.escape(entry.id)}"]`) || cardShell(entry.id, entry.hasThread);
    card.querySelector('.slot').replaceWith(node);
  }
  shown.set(entry.id, node);
}

function showPrivately(message, where) {
  const note = element('div', 'private');
  note.append(element('div', 'note', 'Only visible to you'), renderMessage(message));
  (where || channel).append(note);
  scrollDown();
}

function scrollDown() {
  channel.scrollTop = channel.scrollHeight;
}

/**
 * Sends a request and returns its answer: { reply, form, formErrors }. The request keeps one id
 * across retries: Operator writes it to its inbox before answering, so while it is still running
 * (202) or when the connection failed, sending the same id again gets the one answer, never a
 * second run.
 */
async function request(path, body) {
  const payload = JSON.stringify({ requestId: requestId(), ...body });
  let failure = null;
  for (let attempt = 0; attempt < 30; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
    try {
      const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      const answer = await response.json();
      if (response.status === 202) continue;
      if (!response.ok) return { reply: { title: 'Not done', text: answer.error || `HTTP ${response.status}` } };
      return answer;
    } catch (error) {
      failure = error;
    }
  }
  return { reply: { title: 'Not sent', text: `Operator did not answer (${failure ? failure.message : 'still working'}). Is it still running?` } };
}

/** Sends a request; resolves with its private reply, if any. */
async function send(path, body) {
  return (await request(path, body)).reply;
}

async function click(row, button, entry) {
  for (const node of row.querySelectorAll('button')) node.disabled = true;
  const answer = await request('/workspace/button', { actionId: `op:${button.action}`, value: `${button.planId}:${button.version}` });
  if (answer.reply || answer.form) {
    for (const node of row.querySelectorAll('button')) node.disabled = false;
    const card = entry && entry.threadId && channel.querySelector(`article[data-id="${CSS.escape(entry.threadId)}"] .thread-messages`);
    if (answer.form) showForm(answer.form, card || null);
    else showPrivately(answer.reply, card || null);
  }
}

/**
 * A form a click opened (Edit's fields, Deny's reason), where only the clicker sees it. Submitted,
 * it closes when accepted (the prompt then shows the decision) or shows each error next to its field.
 */
function showForm(form, where) {
  const note = element('div', 'private');
  const node = element('form', 'op-form');
  node.dataset.kind = form.kind;
  node.append(element('h3', '', form.title));
  const inputs = new Map();
  const errors = new Map();
  for (const field of form.fields) {
    const label = element('label', 'form-field');
    const input = element(field.multiline ? 'textarea' : 'input');
    input.name = field.name;
    input.value = field.value;
    if (field.maxLength) input.maxLength = field.maxLength;
    const error = element('div', 'field-error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    label.append(element('span', 'label', field.label), input, error);
    inputs.set(field.name, input);
    errors.set(field.name, error);
    node.append(label);
  }
  // An error that belongs to no field (the plan moved on) shows under the form.
  const general = element('div', 'field-error');
  general.setAttribute('role', 'alert');
  general.hidden = true;
  const row = element('div', 'buttons');
  const submit = element('button', form.kind === 'deny' ? 'danger' : 'primary', form.submitLabel);
  submit.type = 'submit';
  const cancel = element('button', '', 'Cancel');
  cancel.type = 'button';
  cancel.addEventListener('click', () => note.remove());
  row.append(submit, cancel);
  node.append(general, row);
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const fields = {};
    for (const [name, input] of inputs) fields[name] = input.value;
    const answer = await request('/workspace/form', { form: `op:form:${form.kind}`, value: `${form.planId}:${form.version}`, fields });
    submit.disabled = false;
    for (const error of [...errors.values(), general]) {
      error.textContent = '';
      error.hidden = true;
    }
    if (answer.formErrors) {
      for (const [name, message] of Object.entries(answer.formErrors)) {
        const error = errors.get(name) || general;
        error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
        error.hidden = false;
      }
      return;
    }
    note.remove();
    if (answer.reply) showPrivately(answer.reply, where);
  });
  note.append(element('div', 'note', 'Only visible to you'), node);
  (where || channel).append(note);
  const first = inputs.values().next().value;
  if (first) first.focus();
  scrollDown();
}

// A textarea, so a pasted e-mail keeps its line breaks; Enter sends, Shift+Enter adds a line.
document.getElementById('command').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  document.getElementById('composer').requestSubmit();
});

document.getElementById('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('command');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  channel.append(element('div', 'you-typed', text));
  scrollDown();
  const reply = await send('/workspace/command', { text });
  if (reply) showPrivately(reply);
});

function connect() {
  const events = new EventSource('/workspace/events');
  events.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.classList.add('live');
  });
  events.addEventListener('error', () => {
    connection.textContent = 'reconnecting…';
    connection.classList.remove('live');
  });
  events.addEventListener('snapshot', (event) => {
    for (const card of channel.querySelectorAll('article')) card.remove();
    shown.clear();
    for (const entry of JSON.parse(event.data).entries) show(entry);
    scrollDown();
  });
  for (const kind of ['post', 'update']) {
    events.addEventListener(kind, (event) => {
      show(JSON.parse(event.data));
      if (kind === 'post') scrollDown();
    });
  }
}

connect();
