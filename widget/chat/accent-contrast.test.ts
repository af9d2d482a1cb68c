/** The accent rule: text on any accent a character may pick reads at 4.5:1 at least. */
import { expect } from '@open-wc/testing';
import { contrast, luminance, textOn } from './accent-contrast.js';

describe('accent contrast', () => {
  it('measures luminance and contrast as WCAG does', () => {
    expect(luminance('#000')).to.equal(0);
    expect(luminance('#ffffff')).to.equal(1);
    expect(contrast('#fff', '#000')).to.equal(21);
    expect(contrast('#000', '#fff'), 'in either order').to.equal(21);
    expect(contrast('#777777', '#ffffff')).to.be.closeTo(4.48, 0.01);
    expect(luminance('#abc'), 'the short form is the long one').to.equal(luminance('#aabbcc'));
  });

  it('puts white on dark accents and black on light ones', () => {
    expect(textOn('#c2410c')).to.equal('#fff');
    expect(textOn('#1e3a8a')).to.equal('#fff');
    expect(textOn('#fde047')).to.equal('#000');
    expect(textOn('#22d3ee')).to.equal('#000');
  });

  it('reads at 4.5:1 or more on every accent', () => {
    let worst = 21;
    for (let n = 0; n < 4096; n++) {
      const accent = `#${n.toString(16).padStart(3, '0')}`;
      worst = Math.min(worst, contrast(accent, textOn(accent)));
    }
    // and the long form, near the turning point between black and white
    for (let grey = 100; grey < 140; grey++) {
      const accent = `#${grey.toString(16).repeat(3)}`;
      worst = Math.min(worst, contrast(accent, textOn(accent)));
    }
    expect(worst).to.be.at.least(4.5);
  });
});
