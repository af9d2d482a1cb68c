import { html, nothing } from 'lit';

/**
 * The avatar: the image shown, a file input (PNG, JPEG, WebP or GIF) and Remove. Files are
 * checked here first, by their first bytes as the server does (never by the declared type),
 * and by size: the server keeps avatars of up to 512 KB, but one uploaded from here travels
 * as base64 in a request the server caps at 256 KB, so 190 KB is the most that fits.
 */
export const AVATAR_UPLOAD_MAX = 190 * 1024;
export const AVATAR_TYPES = 'image/png,image/jpeg,image/webp,image/gif';

const MAGIC: [string, (b: Uint8Array) => boolean][] = [
  ['PNG', (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)],
  ['JPEG', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['WebP', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
  ['GIF', (b) => /^GIF8[79]a$/.test(ascii(b, 0, 6))],
];
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The file's bytes in base64, or why it cannot be an avatar. */
export async function readAvatarFile(file: File): Promise<{ base64: string } | { error: string }> {
  if (file.size > AVATAR_UPLOAD_MAX) return { error: `That image is ${Math.ceil(file.size / 1024)} KB: an avatar uploaded here can be at most ${AVATAR_UPLOAD_MAX / 1024} KB.` };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!MAGIC.some(([, is]) => is(bytes))) return { error: 'That file is not a PNG, JPEG, WebP or GIF image.' };
  return { base64: base64Of(bytes) };
}

export function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export interface AvatarState {
  /** What to show: the saved avatar's URL, or a blob: URL of one waiting for the character to be saved. */
  url: string | null;
  name: string;
  busy: boolean;
  error?: string;
}

export function renderAvatar(state: AvatarState, chosen: (file: File) => void, remove: () => void) {
  const onChange = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // the same file chosen again is a new choice
    if (file) chosen(file);
  };
  return html`<div part="avatar-field" class="avatar-field">
    ${state.url ? html`<img part="avatar" src=${state.url} alt=${`Avatar of ${state.name || 'the character'}`} width="72" height="72" />` : html`<span class="avatar-none muted">No avatar</span>`}
    <div>
      <label
        >Avatar image (PNG, JPEG, WebP or GIF, up to ${AVATAR_UPLOAD_MAX / 1024} KB)
        <input type="file" accept=${AVATAR_TYPES} ?disabled=${state.busy} @change=${onChange} />
      </label>
      ${state.url ? html`<button class="quiet" type="button" ?disabled=${state.busy} @click=${remove}>Remove avatar</button>` : nothing}
      ${state.error ? html`<p role="alert">${state.error}</p>` : nothing}
    </div>
  </div>`;
}
