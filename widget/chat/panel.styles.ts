/** The panel's box: where it sits in each mode and on phones, how it appears. */
export const panelStyles = `
  .panel {
    /* Inside the panel, the character's own accent (set on it) applies unless the page sets one. */
    --_accent: var(--tipsy-accent, var(--_character-accent, #c2410c));
    display: flex;
    flex-direction: column;
    background: var(--_bg);
    color: var(--_fg);
    overflow: hidden;
  }
  :host(:not([mode='inline'])) .panel {
    position: fixed;
    inset-inline-end: 20px;
    bottom: 88px;
    /* Over every bubble, other chats' included. */
    z-index: calc(var(--_z) + 1);
    width: var(--tipsy-panel-width, 380px);
    height: var(--tipsy-panel-height, 580px);
    max-height: calc(100vh - 110px);
    border-radius: var(--_radius);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.22);
    animation: rise 0.18s ease-out;
  }
  :host([mode='inline']) .panel {
    height: 100%;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  /* Full screen on phones: over the bubble (hidden, the panel has its own close button), inside the
     safe area, and as tall as the visual viewport (chat-view.ts), so the keyboard never hides the composer. */
  @media (max-width: 480px) {
    :host(:not([mode='inline'])) .panel {
      inset: 0;
      top: var(--_vv-top, 0);
      width: auto;
      height: var(--_vv-height, auto);
      max-height: none;
      border-radius: 0;
      padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
    }
    :host([open]) [part~='launcher'] {
      display: none;
    }
    /* Below 16px, iOS zooms the page in on focus. */
    .composer textarea {
      font-size: 16px;
    }
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(12px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .panel,
    .dot {
      animation: none !important;
      transition: none !important;
    }
  }
`;
