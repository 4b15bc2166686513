/// <reference types="mocha" />
/**
 * ReactiveHost: the small stand-in for Lit's ReactiveElement under <try-on-button>, tested on a
 * subclass of its own for the part of Lit's contract it promises.
 */
import { expect } from 'chai';
import { ReactiveHost } from '../../src/element/reactive-host.ts';

class CountingHost extends ReactiveHost {
  static {
    this.reactive(['label', 'count']);
  }
  declare label: string;
  declare count: number;
  readonly log: string[] = [];

  constructor() {
    super({ label: 'default', count: 0 });
  }

  protected update(): void {
    this.log.push(`update ${this.label} ${this.count}`);
  }
}
customElements.define('counting-host', CountingHost);

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ReactiveHost', () => {
  afterEach(() => document.body.replaceChildren());

  it('waits for the first connection, then batches property changes into one update', async () => {
    const host = document.createElement('counting-host') as CountingHost;
    host.label = 'a';
    host.count = 1;
    await settle();
    expect(host.log, 'no update while disconnected').to.deep.equal([]);
    document.body.append(host);
    expect(await host.updateComplete).to.equal(true);
    expect(host.log).to.deep.equal(['update a 1']);
    host.count = 2;
    host.count = 3;
    await host.updateComplete;
    expect(host.log).to.deep.equal(['update a 1', 'update a 3']);
  });

  it('does not update for a value it already has, NaN included', async () => {
    const host = document.body.appendChild(document.createElement('counting-host')) as CountingHost;
    host.count = Number.NaN;
    await host.updateComplete;
    const updates = host.log.length;
    host.count = Number.NaN;
    host.label = 'default';
    await settle();
    expect(host.log.length).to.equal(updates);
  });

  it('applies values set on the element before its class was defined, over the defaults', async () => {
    const early = document.createElement('early-host') as CountingHost;
    (early as unknown as { label: string }).label = 'set early';
    document.body.append(early);
    customElements.define('early-host', class extends CountingHost {});
    await early.updateComplete;
    expect(early.label).to.equal('set early');
    expect(Object.hasOwn(early, 'label'), 'the own property gave way to the accessor').to.equal(false);
    expect(early.log).to.deep.equal(['update set early 0']);
  });

  it("runs controllers' hooks around its update, in Lit's order, and stops after removal", async () => {
    const host = document.createElement('counting-host') as CountingHost;
    const calls: string[] = [];
    const controller = {
      hostConnected: () => calls.push('connected'),
      hostDisconnected: () => calls.push('disconnected'),
      hostUpdate: () => calls.push('update'),
      hostUpdated: () => calls.push(`updated after ${host.log.at(-1)}`),
    };
    host.addController(controller);
    document.body.append(host);
    await host.updateComplete;
    host.remove();
    host.removeController(controller);
    document.body.append(host);
    host.requestUpdate();
    await host.updateComplete;
    expect(calls).to.deep.equal(['connected', 'update', 'updated after update default 0', 'disconnected']);
  });

  it('connects a controller added while connected at once', () => {
    const host = document.body.appendChild(document.createElement('counting-host')) as CountingHost;
    let connected = 0;
    host.addController({ hostConnected: () => connected++ });
    expect(connected).to.equal(1);
  });

  it('updateComplete says false when an update was requested during the update', async () => {
    const host = document.body.appendChild(document.createElement('counting-host')) as CountingHost;
    await host.updateComplete;
    let once = true;
    host.addController({
      hostUpdated: () => {
        if (once) host.count = 99;
        once = false;
      },
    });
    host.requestUpdate();
    expect(await host.updateComplete).to.equal(false);
    expect(await host.updateComplete).to.equal(true);
    expect(host.log.at(-1)).to.equal('update default 99');
  });
});
