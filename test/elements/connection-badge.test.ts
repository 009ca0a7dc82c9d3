import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import sinon from 'sinon';
import '../../src/define/connection-badge.js';
import type { ConnectionBadge } from '../../src/elements/connection-badge/connection-badge.js';
import { resetWarnings } from '../../src/controllers/warnings.js';
import { FakeConnection, type FakeProvider, defineFakeProvider } from '../support/fakes.js';

const providerTag = unsafeStatic(defineFakeProvider());

async function mount(connection?: FakeConnection): Promise<{ provider: FakeProvider; badge: ConnectionBadge }> {
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection}><connection-badge></connection-badge></${providerTag}>`,
  );
  const badge = provider.querySelector('connection-badge')!;
  await badge.updateComplete;
  return { provider, badge };
}

function label(badge: ConnectionBadge): string {
  return badge.shadowRoot!.querySelector('[part="label"]')!.textContent!.trim();
}

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

  it('shows the state in words with an icon and a status role, never colour alone', async () => {
    const { badge } = await mount(new FakeConnection('failed'));
    const base = badge.shadowRoot!.querySelector('[part="base"]')!;
    expect(base.getAttribute('role')).to.equal('status');
    expect(badge.shadowRoot!.querySelector('[part="icon"]')).to.exist;
    expect(label(badge)).to.equal('Connection failed');
    expect(base.textContent).to.contain('Connection:');
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

  it('marks a non-WebSocket transport as degraded', async () => {
    const connection = new FakeConnection('open');
    connection.status = { ...connection.status, transport: 'sse' };
    const { badge } = await mount(connection);
    expect(badge.degraded).to.be.true;
    expect(badge.hasAttribute('degraded')).to.be.true;
    expect(label(badge)).to.equal('Connected (limited)');
  });

  it('offers a retry button when the connection failed', async () => {
    const connection = new FakeConnection('failed');
    const { badge } = await mount(connection);
    const button = badge.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!;
    expect(button.textContent).to.equal('Retry');
    button.click();
    expect(connection.retries).to.equal(1);
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
    badge.strings = { stateOpen: 'Online' };
    await badge.updateComplete;
    expect(label(badge)).to.equal('Online');
  });

  it('is accessible in every state', async () => {
    const connection = new FakeConnection('idle');
    const { badge } = await mount(connection);
    for (const state of ['idle', 'connecting', 'open', 'reconnecting', 'offline', 'closed', 'failed'] as const) {
      connection.setStatus(state);
      await badge.updateComplete;
      await expect(badge).to.be.accessible();
    }
  });

  it('removes every subscription when unmounted, however often it is mounted', async () => {
    const connection = new FakeConnection('open');
    const { provider, badge } = await mount(connection);
    for (let i = 0; i < 20; i += 1) {
      badge.remove();
      provider.append(badge);
    }
    expect(connection.handlerCount).to.equal(1);
    badge.remove();
    expect(connection.handlerCount).to.equal(0);
  });
});
