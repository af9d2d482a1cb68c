/**
 * How a site's own server computes a signed-in user's `user-hash`: the hex HMAC-SHA256 of the
 * user id (its UTF-8 bytes) under the site's identity secret (server/auth/identity.ts). Shown in
 * the snippet builder; the Node one is run by test/server/studio-usage.test.ts against the server.
 */
export interface UserHashExample {
  language: string;
  code: string;
}

export const USER_HASH_EXAMPLES: readonly UserHashExample[] = [
  {
    language: 'Node.js',
    code: `// Node.js, on your server
import { createHmac } from 'node:crypto';

export function tipsyUserHash(userId) {
  return createHmac('sha256', process.env.TIPSY_IDENTITY_SECRET).update(String(userId)).digest('hex');
}
`,
  },
  {
    language: 'Python',
    code: `# Python, on your server
import hashlib, hmac, os

def tipsy_user_hash(user_id) -> str:
    secret = os.environ["TIPSY_IDENTITY_SECRET"].encode()
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()
`,
  },
  {
    language: 'PHP',
    code: `<?php
// PHP, on your server
function tipsy_user_hash($userId): string {
    return hash_hmac('sha256', (string) $userId, getenv('TIPSY_IDENTITY_SECRET'));
}
`,
  },
];
