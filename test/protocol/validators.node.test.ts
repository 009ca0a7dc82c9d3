import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CloseCode,
  envelope,
  formatCursor,
  isAppType,
  parseCursor,
  parseEnvelope,
  parseFrame,
  safeLink,
  validateActivity,
  validateActivityInput,
  validateHello,
  validateNotification,
  validateNotificationInput,
  validateNotificationItem,
  validateNotificationRead,
  validatePage,
  validateResume,
} from '../../src/protocol/index.js';

const note = { id: 'n1', level: 'info', title: 'Hello', message: 'World' };

describe('envelopes', () => {
  test('accepts a valid kit envelope and keeps seq, prev and mid', () => {
    const parsed = parseEnvelope({ type: 'notification.new', seq: 3, prev: 2, ts: 1, payload: note, mid: 'm' });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.envelope, { type: 'notification.new', seq: 3, prev: 2, ts: 1, payload: note, mid: 'm' });
  });

  test('names the failing field of a bad envelope', () => {
    const cases: [unknown, string][] = [
      [null, ''],
      [[], ''],
      [{ ts: 1, payload: {} }, 'type'],
      [{ type: 'sys.ping', ts: -1, payload: {} }, 'ts'],
      [{ type: 'sys.ping', ts: 1.5, payload: {} }, 'ts'],
      [{ type: 'sys.ping', ts: 1, seq: 0, payload: {} }, 'seq'],
      [{ type: 'sys.ping', ts: 1, prev: -1, payload: {} }, 'prev'],
      [{ type: 'sys.ping', ts: 1, mid: '', payload: {} }, 'mid'],
      [{ type: 'sys.ping', ts: 1, mid: 'x'.repeat(101), payload: {} }, 'mid'],
      [{ type: 'notification.new', ts: 1, payload: { ...note, level: 'loud' } }, 'payload.level'],
      [{ type: 'notification.new', ts: 1, payload: { ...note, title: '  ' } }, 'payload.title'],
      [{ type: 'activity.new', ts: 1, payload: { id: 'a', action: 'x', target: 'y' } }, 'payload.userName'],
    ];
    for (const [input, field] of cases) {
      const parsed = parseEnvelope(input);
      assert.equal(parsed.ok, false, JSON.stringify(input));
      if (!parsed.ok) {
        assert.equal(parsed.rejection.kind, 'invalid');
        if (parsed.rejection.kind === 'invalid') assert.equal(parsed.rejection.field, field, JSON.stringify(input));
      }
    }
  });

  test('reports unknown types apart from invalid frames, and validates registered app types', () => {
    const unknown = parseEnvelope({ type: 'app.chat', ts: 1, payload: {} });
    assert.deepEqual(unknown, { ok: false, rejection: { kind: 'unknown-type', type: 'app.chat' } });
    const registry = new Map([
      ['app.chat', { validate: (input: unknown) => (typeof input === 'object' && input !== null && 'text' in input ? { ok: true as const, value: input } : { ok: false as const, issue: { field: 'payload.text', message: 'text required' } }) }],
    ]);
    assert.ok(parseEnvelope({ type: 'app.chat', ts: 1, payload: { text: 'hi' } }, registry).ok);
    const bad = parseEnvelope({ type: 'app.chat', ts: 1, payload: {} }, registry);
    assert.ok(!bad.ok && bad.rejection.kind === 'invalid' && bad.rejection.field === 'payload.text');
    assert.ok(isAppType('app.chat'));
    assert.ok(!isAppType('app.'));
    assert.ok(!isAppType('sys.ping'));
  });

  test('parseFrame refuses non-text and malformed JSON', () => {
    assert.equal(parseFrame(new Uint8Array([1])).ok, false);
    assert.equal(parseFrame('{').ok, false);
    assert.ok(parseFrame(JSON.stringify(envelope('sys.ping', {}))).ok);
  });

  test('envelope() sets ts and leaves absent optional fields out', () => {
    const built = envelope('sys.pong', {}, { ts: 5 });
    assert.deepEqual(built, { type: 'sys.pong', ts: 5, payload: {} });
    assert.deepEqual(Object.keys(envelope('sys.pong', {}, { seq: 2, ts: 1 })), ['type', 'ts', 'payload', 'seq']);
  });

  test('close codes match the design', () => {
    assert.equal(CloseCode.TokenExpired, 4001);
    assert.equal(CloseCode.Forbidden, 4003);
    assert.equal(CloseCode.RateLimited, 4008);
    assert.equal(CloseCode.TooBig, 1009);
    assert.equal(CloseCode.GoingAway, 1001);
    assert.equal(CloseCode.TryAgainLater, 1013);
  });
});

describe('payloads', () => {
  test('notification: keeps safe links, drops unsafe ones, keeps to and group', () => {
    const good = validateNotification({ ...note, link: '/inbox', group: 'g', to: 'ada' });
    assert.ok(good.ok);
    assert.deepEqual(good.value, { ...note, link: '/inbox', group: 'g', to: 'ada' });
    const unsafe = validateNotification({ ...note, link: 'javascript:alert(1)' });
    assert.ok(unsafe.ok);
    assert.equal('link' in unsafe.value, false);
    assert.equal(validateNotification({ ...note, to: 5 }).ok, false);
  });

  test('activity requires userName, action and target', () => {
    assert.ok(validateActivity({ id: 'a', userName: 'Ada', action: 'edited', target: 'doc' }).ok);
    const missing = validateActivity({ id: 'a', userName: 'Ada', action: 'edited' });
    assert.ok(!missing.ok && missing.issue.field === 'payload.target');
  });

  test('activity keeps a safe avatar and drops an unsafe one', () => {
    const base = { id: 'a', userName: 'Ada', action: 'edited', target: 'doc' };
    const good = validateActivity({ ...base, avatar: 'https://img.example/ada.png' });
    assert.ok(good.ok);
    assert.equal(good.value.avatar, 'https://img.example/ada.png');
    assert.equal((validateActivity({ ...base, avatar: '/avatars/ada.png' }) as { value: { avatar?: string } }).value.avatar, '/avatars/ada.png');
    for (const avatar of ['javascript:alert(1)', 'data:image/png;base64,AAAA', '//evil.example/a.png']) {
      const unsafe = validateActivity({ ...base, avatar });
      assert.ok(unsafe.ok, avatar);
      assert.equal('avatar' in unsafe.value, false, avatar);
    }
    assert.equal(validateActivity({ ...base, avatar: 7 }).ok, false);
  });

  test('notification.read needs ids or all', () => {
    assert.ok(validateNotificationRead({ state: 'read', all: true }).ok);
    assert.ok(validateNotificationRead({ state: 'seen', ids: ['a'] }).ok);
    assert.equal(validateNotificationRead({ state: 'read', ids: [] }).ok, false);
    assert.equal(validateNotificationRead({ state: 'read', ids: [1] }).ok, false);
    assert.equal(validateNotificationRead({ state: 'done', all: true }).ok, false);
  });

  test('hello and resume', () => {
    const hello = { version: 1, epoch: 'e1', maxFrameBytes: 1024, heartbeatMs: 25000, user: null, seq: 0 };
    assert.ok(validateHello(hello).ok);
    const colon = validateHello({ ...hello, epoch: 'a:b' });
    assert.ok(!colon.ok && colon.issue.field === 'payload.epoch');
    assert.equal(validateHello({ ...hello, seq: -1 }).ok, false);
    assert.ok(validateResume({}).ok);
    assert.ok(validateResume({ cursor: '', user: 'u' }).ok);
    assert.equal(validateResume({ cursor: 5 }).ok, false);
  });
});

describe('REST inputs and pages', () => {
  test('activity input: 400 fields are named without a prefix', () => {
    const missing = validateActivityInput({ action: 'a', target: 'b' });
    assert.ok(!missing.ok && missing.issue.field === 'userName');
    const link = validateActivityInput({ userName: 'a', action: 'b', target: 'c', link: 'javascript:alert(1)' });
    assert.ok(!link.ok && link.issue.field === 'link');
    const avatar = validateActivityInput({ userName: 'a', action: 'b', target: 'c', avatar: 'javascript:alert(1)' });
    assert.ok(!avatar.ok && avatar.issue.field === 'avatar');
    const withAvatar = validateActivityInput({ userName: 'a', action: 'b', target: 'c', avatar: '/a.png' });
    assert.ok(withAvatar.ok && withAvatar.value.avatar === '/a.png');
    const body = validateActivityInput('text');
    assert.ok(!body.ok && body.issue.field === 'body');
  });

  test('notification input defaults level to info and message to empty', () => {
    const checked = validateNotificationInput({ title: 'x' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value, { level: 'info', title: 'x', message: '' });
  });

  test('validatePage drops bad items and counts them', () => {
    const page = validatePage(
      { items: [{ ...note, seq: 2, ts: 1, read: true }, { ...note, seq: 0, ts: 1 }], next: null },
      validateNotificationItem,
    );
    assert.ok(page.ok);
    assert.equal(page.value.items.length, 1);
    assert.equal(page.value.items[0]!.read, true);
    assert.equal(page.value.dropped, 1);
    assert.equal(validatePage({ items: 'x', next: null }, validateNotificationItem).ok, false);
    assert.equal(validatePage({ items: [], next: -1 }, validateNotificationItem).ok, false);
  });
});

describe('cursors and links', () => {
  test('formatCursor and parseCursor round-trip', () => {
    assert.equal(formatCursor({ epoch: 'abc', seq: 12 }), 'abc:12');
    assert.deepEqual(parseCursor('abc:12'), { epoch: 'abc', seq: 12 });
    assert.deepEqual(parseCursor('abc:0'), { epoch: 'abc', seq: 0 });
  });

  test('parseCursor refuses malformed cursors', () => {
    for (const text of [null, undefined, '', 'abc', ':12', 'abc:', 'abc:-1', 'abc:1.5', 'abc:x', 'abc:1234567890123456']) {
      assert.equal(parseCursor(text), null, String(text));
    }
  });

  test('safeLink keeps http, https and relative links and rejects javascript:, data: and protocol-relative', () => {
    assert.equal(safeLink('https://example.com/a?b=1'), 'https://example.com/a?b=1');
    assert.equal(safeLink('http://example.com'), 'http://example.com/');
    assert.equal(safeLink('/inbox'), '/inbox');
    assert.equal(safeLink('./x'), './x');
    assert.equal(safeLink('#top'), '#top');
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<b>', '//evil.example', 'vbscript:x', 'mailto:a@b', '']) {
      assert.equal(safeLink(bad), undefined, bad);
    }
  });

  test('safeLink keeps only links that resolve to http(s), and relative ones stay on the page origin', () => {
    const base = 'https://app.example/';
    const kept = [];
    for (const link of ['/a', '/a//b', './/evil.example', '../../../x', '?//evil.example', '#//evil.example', '/%2F%2Fevil.example', '/.%2e/x',
      'https://Example.COM/x', 'https://example.com:8080/a?b#c', 'http://127.0.0.1/x', 'https://a..b/x', 'https://example.com/"<x>', 'https://example.com?q']) {
      const safe = safeLink(link);
      if (safe === undefined) continue;
      kept.push(link);
      const url = new URL(safe, base);
      assert.ok(url.protocol === 'https:' || url.protocol === 'http:', link);
      if (!/^https?:/i.test(link)) assert.equal(url.origin, 'https://app.example', link);
    }
    assert.ok(kept.length >= 12, `kept ${kept.join(' ')}`);
  });

  test('safeLink rejects relative-looking links that a browser would send off-site (backslash, tab, newline)', () => {
    for (const bad of ['/\\evil.example/phish', '/\t/evil.example/phish', '/\n/evil.example', '\\\\evil.example', '/\r\n/evil.example', 'https://ok.example/\tx']) {
      assert.equal(safeLink(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(safeLink('/a/../b?c=1#d'), '/a/../b?c=1#d');
    const body = validateNotificationInput({ level: 'info', title: 'x', message: '', link: '/\\evil.example/phish' });
    assert.equal(body.ok, false);
    assert.equal(body.ok ? '' : body.issue.field, 'link');
  });
});
