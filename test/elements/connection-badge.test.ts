import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import sinon from 'sinon';
import '../../src/define/connection-badge.js';
import type { ConnectionBadge } from '../../src/elements/connection-badge/connection-badge.js';
import { resetWarnings } from '../../src/controllers/warnings.js';
import { CONNECTION_STATES, type ConnectionState } from '../../src/services/types.js';
import { FakeConnection, type FakeProvider, activityEnvelope, defineFakeProvider } from '../support/fakes.js';

const providerTag = unsafeStatic(defineFakeProvider());

async function mount(
  connection?: FakeConnection,
  attrs: { compact?: boolean; staleAfter?: number } = {},
): Promise<{ provider: FakeProvider; badge: ConnectionBadge }> {
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection}><connection-badge
      ?compact=${attrs.compact ?? false}
      stale-after=${attrs.staleAfter ?? ''}
    ></connection-badge></${providerTag}>`,
  );
  const badge = provider.querySelector('connection-badge')!;
  await badge.updateComplete;
  return { provider, badge };
}

function part(badge: ConnectionBadge, name: string): HTMLElement | null {
  return badge.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
}

function label(badge: ConnectionBadge): string {
  return part(badge, 'label')!.textContent!.trim();
}

function countdown(badge: ConnectionBadge): string | null {
  return part(badge, 'countdown')?.textContent?.trim() ?? null;
}

function liveRegion(badge: ConnectionBadge): HTMLElement {
  return badge.shadowRoot!.querySelector<HTMLElement>('[role="status"]')!;
}

/** Everything a screen reader can read in the badge, whitespace collapsed. */
function readable(badge: ConnectionBadge): string {
  return part(badge, 'base')!.textContent!.replace(/\s+/g, ' ').trim();
}

function isVisuallyHidden(element: Element): boolean {
  const style = getComputedStyle(element);
  return style.position === 'absolute' && style.width === '1px' && style.clipPath !== 'none';
}

const WORDS: { readonly [S in ConnectionState]: string } = {
  idle: 'Not connected',
  connecting: 'Connecting',
  open: 'Connected',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  closed: 'Disconnected',
  failed: 'Connection failed',
};

describe('<connection-badge>', () => {
  afterEach(() => sinon.restore());

  it('shows idle and warns once when no provider is around', async () => {
    resetWarnings();
    const warn = sinon.stub(console, 'warn');
    const first = await fixture<ConnectionBadge>(html`<connection-badge></connection-badge>`);
    await fixture<ConnectionBadge>(html`<connection-badge></connection-badge>`);
    await Promise.resolve();
    expect(first.state).to.equal('idle');
    expect(first.getAttribute('state')).to.equal('idle');
    expect(label(first)).to.equal('Not connected');
    expect(warn.callCount).to.equal(1);
    expect(String(warn.firstCall.args[0])).to.contain('no-provider');
  });

  it('reflects the state of the provided connection and follows changes', async () => {
    const connection = new FakeConnection('connecting');
    const { badge } = await mount(connection);
    expect(badge.getAttribute('state')).to.equal('connecting');
    expect(label(badge)).to.equal('Connecting');
    connection.setStatus('open');
    await badge.updateComplete;
    expect(badge.getAttribute('state')).to.equal('open');
    expect(label(badge)).to.equal('Connected');
    connection.setStatus('reconnecting');
    await badge.updateComplete;
    expect(label(badge)).to.equal('Reconnecting');
  });

  it('shows every state in words with its own icon, never colour alone, and stays accessible', async () => {
    const connection = new FakeConnection('idle');
    const { badge } = await mount(connection);
    const icons = new Set<string>();
    for (const state of CONNECTION_STATES) {
      connection.setStatus(state);
      await badge.updateComplete;
      expect(badge.getAttribute('state')).to.equal(state);
      expect(label(badge), state).to.equal(WORDS[state]);
      const icon = part(badge, 'icon')!;
      expect(icon.getAttribute('aria-hidden')).to.equal('true');
      icons.add(icon.innerHTML);
      expect(liveRegion(badge).textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Connection: ${WORDS[state]}`);
      await expect(badge).to.be.accessible();
    }
    expect(icons.size, 'one distinct icon per state').to.equal(CONNECTION_STATES.length);
  });

  it('in compact mode shows only the icon and keeps the words as accessible text and tooltip', async () => {
    const connection = new FakeConnection('idle');
    const { badge } = await mount(connection, { compact: true });
    expect(badge.hasAttribute('compact')).to.be.true;
    for (const state of CONNECTION_STATES) {
      connection.setStatus({ state, nextRetryAt: state === 'reconnecting' ? Date.now() + 9_500 : null });
      await badge.updateComplete;
      expect(isVisuallyHidden(part(badge, 'label')!), state).to.be.true;
      expect(label(badge)).to.equal(WORDS[state]);
      expect(part(badge, 'base')!.title).to.contain(`Connection: ${WORDS[state]}`);
      await expect(badge).to.be.accessible();
    }
    // The retry button of a compact badge is an icon with the words as its name and tooltip.
    const button = part(badge, 'retry') as HTMLButtonElement;
    expect(button.textContent!.trim()).to.equal('Retry now');
    expect(button.title).to.equal('Retry now');
    expect(isVisuallyHidden(button.querySelector('.retry-label')!)).to.be.true;
    badge.compact = false;
    await badge.updateComplete;
    expect(isVisuallyHidden(part(badge, 'label')!)).to.be.false;
    expect(part(badge, 'base')!.hasAttribute('title')).to.be.false;
  });

  it('follows a connection the provider swaps in', async () => {
    const first = new FakeConnection('open');
    const { provider, badge } = await mount(first);
    const second = new FakeConnection('reconnecting');
    provider.connection = second;
    await badge.updateComplete;
    expect(badge.state).to.equal('reconnecting');
    expect(first.handlerCount).to.equal(0);
    second.setStatus('open');
    await badge.updateComplete;
    expect(badge.state).to.equal('open');
  });

  describe('countdown to the next retry', () => {
    it('counts whole seconds down to nextRetryAt, then stops its timer at 0', async () => {
      const connection = new FakeConnection('open');
      const { badge } = await mount(connection);
      const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      connection.setStatus({ state: 'reconnecting', attempt: 2, nextRetryAt: Date.now() + 4_500, reason: 'closed (1006)' });
      await badge.updateComplete;
      expect(label(badge)).to.equal('Reconnecting');
      expect(countdown(badge)).to.equal('in 5 s');
      expect(clock.countTimers()).to.equal(1);
      const seen: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        clock.tick(i === 0 ? 500 : 1_000);
        await badge.updateComplete;
        seen.push(countdown(badge) ?? '-');
        expect(clock.countTimers(), 'one timer at most').to.be.at.most(1);
      }
      expect(seen).to.deep.equal(['in 4 s', 'in 3 s', 'in 2 s', 'in 1 s', '-']);
      expect(clock.countTimers(), 'nothing runs at 0').to.equal(0);
      expect(label(badge)).to.equal('Reconnecting');
    });

    it('announces the state once, not every tick, and keeps attempt and reason readable outside the live region', async () => {
      const connection = new FakeConnection('open');
      const { badge } = await mount(connection);
      const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      connection.setStatus({ state: 'reconnecting', attempt: 3, nextRetryAt: Date.now() + 4_000, reason: 'closed (1006)' });
      await badge.updateComplete;
      const region = liveRegion(badge);
      const changes: MutationRecord[] = [];
      const observer = new MutationObserver((records) => changes.push(...records));
      observer.observe(region, { subtree: true, childList: true, characterData: true, attributes: true });
      try {
        for (let i = 0; i < 3; i += 1) {
          clock.tick(1_000);
          await badge.updateComplete;
        }
        await Promise.resolve();
        expect(countdown(badge)).to.equal('in 1 s');
        expect(changes, 'the live region did not change on ticks').to.have.length(0);
        expect(region.contains(part(badge, 'countdown'))).to.be.false;
        expect(readable(badge)).to.equal('Connection: Reconnecting in 1 s Attempt 3. Reason: closed (1006). Retry now');
      } finally {
        observer.disconnect();
      }
    });

    it('clears its timer when the state leaves reconnecting', async () => {
      const connection = new FakeConnection('open');
      const { badge } = await mount(connection);
      const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      connection.setStatus({ state: 'reconnecting', attempt: 1, nextRetryAt: Date.now() + 10_000 });
      await badge.updateComplete;
      expect(clock.countTimers()).to.equal(1);
      connection.setStatus({ state: 'connecting', nextRetryAt: null });
      await badge.updateComplete;
      expect(clock.countTimers()).to.equal(0);
      expect(countdown(badge)).to.equal(null);
      connection.setStatus({ state: 'reconnecting', attempt: 2, nextRetryAt: Date.now() + 2_000 });
      await badge.updateComplete;
      expect(countdown(badge)).to.equal('in 2 s');
      connection.setStatus({ state: 'open', attempt: 0, nextRetryAt: null });
      await badge.updateComplete;
      expect(clock.countTimers()).to.equal(0);
    });

    it('clears its timer when removed and resumes the right count when put back (leak check)', async () => {
      const connection = new FakeConnection('open');
      const { provider, badge } = await mount(connection);
      const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      connection.setStatus({ state: 'reconnecting', attempt: 1, nextRetryAt: Date.now() + 30_000 });
      await badge.updateComplete;
      for (let i = 0; i < 20; i += 1) {
        badge.remove();
        expect(clock.countTimers()).to.equal(0);
        provider.append(badge);
        await badge.updateComplete;
        expect(clock.countTimers()).to.equal(1);
      }
      badge.remove();
      clock.tick(12_000);
      expect(clock.countTimers()).to.equal(0);
      expect(connection.handlerCount).to.equal(0);
      provider.append(badge);
      await badge.updateComplete;
      expect(countdown(badge)).to.equal('in 18 s');
      badge.remove();
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('Retry now', () => {
    it('shows while reconnecting or failed and calls retry() when clicked', async () => {
      const connection = new FakeConnection('open');
      const { badge } = await mount(connection);
      const shown: ConnectionState[] = [];
      for (const state of CONNECTION_STATES) {
        connection.setStatus(state);
        await badge.updateComplete;
        if (part(badge, 'retry')) shown.push(state);
      }
      expect(shown).to.deep.equal(['reconnecting', 'failed']);
      const button = part(badge, 'retry') as HTMLButtonElement;
      expect(button.localName).to.equal('button');
      expect(button.type).to.equal('button');
      expect(button.textContent!.trim()).to.equal('Retry now');
      button.click();
      expect(connection.retries).to.equal(1);
    });

    it('is operable from the keyboard', async () => {
      const connection = new FakeConnection('failed');
      const { badge } = await mount(connection);
      const button = part(badge, 'retry') as HTMLButtonElement;
      expect(button.tabIndex).to.equal(0);
      expect(button.disabled).to.be.false;
      button.focus();
      expect(badge.shadowRoot!.activeElement).to.equal(button);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => connection.retries === 1, 'Enter did not press the button');
      await sendKeys({ press: 'Space' });
      await waitUntil(() => connection.retries === 2, 'Space did not press the button');
    });
  });

  it('marks a non-WebSocket transport as degraded, in words and look', async () => {
    const connection = new FakeConnection('open');
    connection.status = { ...connection.status, transport: 'sse' };
    const { badge } = await mount(connection);
    expect(badge.degraded).to.be.true;
    expect(badge.hasAttribute('degraded')).to.be.true;
    expect(badge.getAttribute('transport')).to.equal('sse');
    expect(label(badge)).to.equal('Connected (fallback: SSE)');
    expect(getComputedStyle(part(badge, 'base')!).borderTopStyle).to.equal('dashed');
    await expect(badge).to.be.accessible();
    connection.setStatus({ transport: 'polling' });
    await badge.updateComplete;
    expect(label(badge)).to.equal('Connected (fallback: polling)');
    connection.setStatus({ transport: 'websocket' });
    await badge.updateComplete;
    expect(badge.degraded).to.be.false;
    expect(label(badge)).to.equal('Connected');
    expect(getComputedStyle(part(badge, 'base')!).borderTopStyle).to.equal('solid');
  });

  describe('stale', () => {
    it('looks stale when the connection reports it', async () => {
      const connection = new FakeConnection('open');
      const { badge } = await mount(connection);
      const plainIcon = part(badge, 'icon')!.innerHTML;
      connection.setStatus({ stale: true });
      await badge.updateComplete;
      expect(badge.stale).to.be.true;
      expect(badge.hasAttribute('stale')).to.be.true;
      expect(label(badge)).to.equal('Connected (no recent data)');
      expect(part(badge, 'icon')!.innerHTML).to.not.equal(plainIcon);
      expect(getComputedStyle(part(badge, 'base')!).borderTopStyle).to.equal('dotted');
      await expect(badge).to.be.accessible();
      connection.setStatus({ stale: false });
      await badge.updateComplete;
      expect(badge.stale).to.be.false;
      expect(label(badge)).to.equal('Connected');
    });

    it('combines stale and fallback notes', async () => {
      const connection = new FakeConnection('open');
      connection.status = { ...connection.status, transport: 'polling', stale: true };
      const { badge } = await mount(connection);
      expect(label(badge)).to.equal('Connected (fallback: polling, no recent data)');
    });

    it('looks stale after `stale-after` ms without a delivered event, and fresh on the next one', async () => {
      const connection = new FakeConnection('connecting');
      const { badge } = await mount(connection, { staleAfter: 5_000 });
      expect(badge.staleAfter).to.equal(5_000);
      const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      expect(clock.countTimers(), 'no quiet timer until open').to.equal(0);
      connection.setStatus('open');
      await badge.updateComplete;
      expect(clock.countTimers()).to.equal(1);
      clock.tick(3_000);
      connection.emit(activityEnvelope(1));
      clock.tick(3_000);
      await badge.updateComplete;
      expect(badge.stale, 'an event 3 s ago keeps it fresh').to.be.false;
      clock.tick(2_000);
      await badge.updateComplete;
      expect(badge.stale).to.be.true;
      expect(label(badge)).to.equal('Connected (no recent data)');
      expect(clock.countTimers(), 'no timer while stale').to.equal(0);
      connection.emit(activityEnvelope(2));
      await badge.updateComplete;
      expect(badge.stale).to.be.false;
      expect(clock.countTimers()).to.equal(1);
      connection.setStatus('reconnecting');
      await badge.updateComplete;
      expect(badge.stale).to.be.false;
      expect(clock.countTimers(), 'no quiet timer when not open').to.equal(0);
      connection.setStatus('open');
      await badge.updateComplete;
      badge.remove();
      expect(clock.countTimers(), 'no quiet timer once removed').to.equal(0);
    });

    it('ignores stale-after when unset or 0', async () => {
      const connection = new FakeConnection('open');
      const { badge } = await mount(connection);
      const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      badge.staleAfter = 0;
      await badge.updateComplete;
      clock.tick(60_000);
      await badge.updateComplete;
      expect(badge.stale).to.be.false;
      expect(clock.countTimers()).to.equal(0);
    });
  });

  it('speaks French, countdown and button included', async () => {
    const connection = new FakeConnection('open');
    connection.status = { ...connection.status, transport: 'sse' };
    const { badge } = await mount(connection);
    badge.lang = 'fr';
    await waitUntil(() => label(badge) === 'Connecté (secours : SSE)', 'did not follow its own lang');
    const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    connection.setStatus({ state: 'reconnecting', attempt: 2, nextRetryAt: Date.now() + 3_000, reason: 'closed (1006)' });
    await badge.updateComplete;
    expect(label(badge)).to.equal('Reconnexion');
    expect(countdown(badge)).to.equal('dans 3 s');
    expect(part(badge, 'retry')!.textContent!.trim()).to.equal('Réessayer maintenant');
    expect(readable(badge)).to.contain('Tentative 2. Raison : closed (1006).');
    clock.restore();
    connection.setStatus({ state: 'open', stale: true, transport: 'websocket' });
    await badge.updateComplete;
    expect(label(badge)).to.equal('Connecté (aucune donnée récente)');
    expect(liveRegion(badge).textContent!.replace(/\s+/g, ' ').trim()).to.equal('Connexion : Connecté (aucune donnée récente)');
  });

  it('speaks the page language and takes per-element overrides', async () => {
    const { badge } = await mount(new FakeConnection('open'));
    badge.lang = 'fr';
    await waitUntil(() => label(badge) === 'Connecté', 'did not follow its own lang');
    badge.removeAttribute('lang');
    await waitUntil(() => label(badge) === 'Connected', 'did not drop its own lang');
    const page = document.documentElement;
    const pageLang = page.lang;
    try {
      page.lang = 'fr-CA';
      await waitUntil(() => label(badge) === 'Connecté', 'did not follow the page lang');
    } finally {
      page.lang = pageLang;
    }
    await waitUntil(() => label(badge) === 'Connected');
    badge.strings = { stateOpen: 'Online', degraded: 'limited' };
    await badge.updateComplete;
    expect(label(badge)).to.equal('Online');
  });

  it('removes every subscription and timer when unmounted, however often it is mounted', async () => {
    const connection = new FakeConnection('connecting');
    const { provider, badge } = await mount(connection, { staleAfter: 1_000 });
    const clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    connection.setStatus('open');
    await badge.updateComplete;
    expect(clock.countTimers()).to.equal(1);
    for (let i = 0; i < 20; i += 1) {
      badge.remove();
      provider.append(badge);
    }
    expect(connection.handlerCount).to.equal(2);
    badge.remove();
    expect(connection.handlerCount).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });
});
