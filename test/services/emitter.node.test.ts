import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Emitter } from '../../src/services/emitter.js';

interface Events {
  tick: number;
  other: string;
}

describe('Emitter', () => {
  test('calls the handlers of a type in order; one that throws does not stop the others', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<Events>((error) => errors.push(error));
    const seen: string[] = [];
    emitter.on('tick', (n) => seen.push(`a${n}`));
    emitter.on('tick', () => {
      throw new Error('boom');
    });
    emitter.on('tick', (n) => seen.push(`c${n}`));
    emitter.on('other', (s) => seen.push(s));
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    assert.deepEqual(seen, ['a1', 'c1', 'a2', 'c2']);
    assert.equal(errors.length, 2);
  });

  test('a round is fixed when it starts: joining or leaving during it takes effect from the next', () => {
    const emitter = new Emitter<Events>();
    const seen: string[] = [];
    let offB = () => {};
    emitter.on('tick', (n) => {
      seen.push(`a${n}`);
      if (n === 1) {
        emitter.on('tick', (m) => seen.push(`late${m}`));
        offB();
      }
    });
    offB = emitter.on('tick', (n) => seen.push(`b${n}`));
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    assert.deepEqual(seen, ['a1', 'b1', 'a2', 'late2']);
  });

  test('after leaving, a handler is not called, and subscribing again works', () => {
    const emitter = new Emitter<Events>();
    const seen: number[] = [];
    const handler = (n: number) => seen.push(n);
    const off = emitter.on('tick', handler);
    emitter.emit('tick', 1);
    off();
    off();
    emitter.emit('tick', 2);
    assert.equal(emitter.has('tick'), false);
    emitter.on('tick', handler);
    emitter.emit('tick', 3);
    assert.deepEqual(seen, [1, 3]);
    emitter.clear();
    emitter.emit('tick', 4);
    assert.deepEqual(seen, [1, 3]);
    assert.equal(emitter.size, 0);
  });
});
