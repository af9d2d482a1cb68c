/** The update cycle on its own: Lit's controller contract and one update per microtask, as LitElement does. */
import { expect } from '@open-wc/testing';
import type { ReactiveController } from 'lit';
import { UpdateCycle } from './update-cycle.js';

class RecordingHost extends UpdateCycle {
  readonly calls: string[] = [];
  /** Runs during render, to ask for changes mid-update. */
  duringRender?: () => void;

  protected willUpdate(): void {
    this.calls.push('willUpdate');
  }
  protected render(): void {
    this.calls.push('render');
    this.duringRender?.();
  }
  protected updated(): void {
    this.calls.push('updated');
  }
}

function recorder(host: RecordingHost, name: string): ReactiveController {
  return {
    hostConnected: () => host.calls.push(`${name}.connected`),
    hostDisconnected: () => host.calls.push(`${name}.disconnected`),
    hostUpdate: () => host.calls.push(`${name}.update`),
    hostUpdated: () => host.calls.push(`${name}.updated`),
  };
}

describe('UpdateCycle', () => {
  it('connects its controllers, then updates in LitElement’s order', async () => {
    const host = new RecordingHost();
    host.addController(recorder(host, 'a'));
    host.addController(recorder(host, 'b'));
    host.connected();
    await host.updateComplete;
    expect(host.calls).to.deep.equal([
      'a.connected',
      'b.connected',
      'willUpdate',
      'a.update',
      'b.update',
      'render',
      'a.updated',
      'b.updated',
      'updated',
    ]);
  });

  it('makes one update of however many requests arrive in one turn', async () => {
    const host = new RecordingHost();
    host.connected();
    host.requestUpdate();
    host.requestUpdate();
    await host.updateComplete;
    host.requestUpdate();
    await host.updateComplete;
    expect(host.calls.filter((c) => c === 'render')).to.have.length(2);
  });

  it('updates again when asked during an update, not in the middle of it', async () => {
    const host = new RecordingHost();
    host.connected();
    host.duringRender = () => {
      host.duringRender = undefined;
      host.requestUpdate();
      host.calls.push('asked');
    };
    await host.updateComplete;
    await host.updateComplete;
    expect(host.calls).to.deep.equal(['willUpdate', 'render', 'asked', 'updated', 'willUpdate', 'render', 'updated']);
  });

  it('does not render while disconnected, and tells its controllers', async () => {
    const host = new RecordingHost();
    host.addController(recorder(host, 'a'));
    host.connected();
    host.disconnected();
    await host.updateComplete;
    host.requestUpdate();
    await host.updateComplete;
    expect(host.calls).to.deep.equal(['a.connected', 'a.disconnected']);
  });

  it('connects a controller added while connected at once, and forgets a removed one', async () => {
    const host = new RecordingHost();
    host.connected();
    await host.updateComplete;
    host.calls.length = 0;
    const late = recorder(host, 'late');
    host.addController(late);
    expect(host.calls).to.deep.equal(['late.connected']);
    host.removeController(late);
    host.requestUpdate();
    await host.updateComplete;
    expect(host.calls).to.deep.equal(['late.connected', 'willUpdate', 'render', 'updated']);
  });

  it('updateComplete resolves at once when nothing is pending', async () => {
    const host = new RecordingHost();
    expect(await host.updateComplete).to.equal(true);
  });
});
