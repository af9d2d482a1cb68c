/**
 * Preloaded into a process under test (`--import cpu-probe.ts`): on the
 * parent's IPC 'profile-start' it starts V8's CPU profiler (100 µs samples);
 * on {type:'profile-stop', file} it writes the .cpuprofile there and answers
 * 'profile-saved'. So a profile covers the measured run only: not the start,
 * the module loading or the warm-up. Adds nothing to the code under test.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();

process.on('message', (message: unknown) => {
  const m = message as { type?: string; file?: string } | string | null;
  if (m === 'profile-start') {
    void (async () => {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      process.send?.({ type: 'profile-started' });
    })();
  } else if (typeof m === 'object' && m?.type === 'profile-stop' && m.file) {
    const file = m.file;
    void (async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      process.send?.({ type: 'profile-saved', file });
    })();
  }
});
process.channel?.unref();
