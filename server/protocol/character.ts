/** What a visitor's page may know of a character. */
export interface CharacterView {
  slug: string;
  name: string;
  avatarUrl?: string;
  greeting?: string;
  /** A CSS hex colour the widget may use for its accent. */
  accent?: string;
}
