// LeaderElection in Chromium with the real Web Locks; a same-origin iframe is a second document,
// and removing it is that tab closing.
import { expect } from '@open-wc/testing';
import { LeaderElection } from '../../src/services/leader.js';

describe('LeaderElection in the browser', () => {
  it('hands leadership over when the leading document goes away', async () => {
    const name = `leader-test-${Math.random()}`;
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const other = frame.contentWindow as Window & typeof globalThis;
    const there = new LeaderElection({ name, locks: other.navigator.locks });
    there.start();
    await there.whenLeader();
    const here = new LeaderElection({ name });
    here.start();
    const state = await navigator.locks.query();
    expect(state.pending?.some((lock) => lock.name === name)).to.equal(true);
    expect(here.isLeader).to.equal(false);
    frame.remove();
    await here.whenLeader();
    expect(here.isLeader).to.equal(true);
    here.close();
    expect(here.isLeader).to.equal(false);
    // Closing let the lock go: another request gets it.
    expect(await navigator.locks.request(name, () => 'granted')).to.equal('granted');
  });
});
