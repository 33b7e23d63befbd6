# ruff: noqa: E501  (JavaScript inside a string)
"""The script the real-browser audit runs inside the page (see ``monitor/sweep/browser.py``).

Kept as a Python string so it ships with the package. It returns plain JSON only. Its rules
follow Lighthouse's gatherers: ``font-size`` (computed size of each visible text node's
parent), ``tap-targets`` (targets not in a text block, not fixed/sticky, visible, on top at
their centre; Lighthouse scrolls to test that, so the screenshot is taken first) and
``content-width`` (``innerWidth`` against ``outerWidth``).
"""

MEASURE_JS = r"""
() => {
  const MAX_NODES = 20000;
  const out = {};
  const vp = document.querySelector('meta[name="viewport" i]');
  out.viewport_content = vp ? String(vp.getAttribute('content') || '').slice(0, 1000) : null;
  out.inner_width = window.innerWidth;
  out.outer_width = window.outerWidth;
  const root = document.scrollingElement || document.documentElement;
  out.scroll_width = Math.max(root ? root.scrollWidth : 0, document.body ? document.body.scrollWidth : 0);
  out.client_width = document.documentElement.clientWidth;

  const visible = (el) => !el.checkVisibility || el.checkVisibility({visibilityProperty: true, opacityProperty: false});

  // Text sizes (Lighthouse font-size: characters of trimmed text per text node).
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TITLE', 'HEAD']);
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  let total = 0, small = 0, seen = 0;
  const samples = [];
  while (walker.nextNode() && seen < MAX_NODES) {
    seen++;
    const node = walker.currentNode;
    const parent = node.parentElement;
    const text = (node.nodeValue || '').trim();
    if (!text || !parent || skip.has(parent.tagName) || !visible(parent)) continue;
    const px = parseFloat(getComputedStyle(parent).fontSize) || 0;
    total += text.length;
    if (px < 12) {
      small += text.length;
      if (samples.length < 5) samples.push([Math.round(px * 100) / 100, text.replace(/\s+/g, ' ').slice(0, 80)]);
    }
  }
  out.text = {total_chars: total, small_chars: small, samples: samples};

  // Tap targets.
  const SELECTOR = 'button,a,input,textarea,select,option,[role=button],[role=checkbox],[role=link],' +
    '[role=menuitem],[role=menuitemcheckbox],[role=menuitemradio],[role=option],[role=scrollbar],' +
    '[role=slider],[role=spinbutton]';
  const isInline = (el) => ['inline', 'inline-block'].includes(getComputedStyle(el).display);
  const inTextBlock = (el) => {
    if (!isInline(el) || !el.parentElement) return false;
    const parent = el.parentElement;
    if ((parent.textContent || '').length - (el.textContent || '').length < 5) return false;
    for (const sib of parent.childNodes) {
      if (sib === el) continue;
      const len = (sib.textContent || '').trim().length;
      if (sib.nodeType === Node.TEXT_NODE && len > 0) return true;
      if (sib.nodeType === Node.ELEMENT_NODE && len > 0 && isInline(sib)) return true;
    }
    return false;
  };
  const fixedOrSticky = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const pos = getComputedStyle(e).position;
      if (pos === 'fixed' || pos === 'sticky') return true;
    }
    return false;
  };
  const clip = (r, c) => {
    const left = Math.max(r.left, c.left), top = Math.max(r.top, c.top);
    const right = Math.min(r.right, c.right), bottom = Math.min(r.bottom, c.bottom);
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
  const clipRects = (el, rects) => {
    let result = rects;
    for (let e = el; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
      const st = getComputedStyle(e);
      if (st.overflowX !== 'visible' || st.overflowY !== 'visible') {
        const box = e.getBoundingClientRect();
        result = result.map((r) => clip(r, box));
      }
    }
    return result.filter((r) => r.width > 0 && r.height > 0);
  };
  const rectsOf = (el) => {
    let rects = Array.from(el.getClientRects());
    for (const child of el.querySelectorAll('*')) {
      if (visible(child)) rects = rects.concat(Array.from(child.getClientRects()).map((r) => clip(r, r)));
      if (rects.length > 40) break;
    }
    return clipRects(el, rects.map((r) => clip(r, r)));
  };
  const candidates = Array.from(document.querySelectorAll(SELECTOR)).slice(0, 1500);
  const isTarget = new Set(candidates);
  const gathered = [];
  for (const el of candidates) {
    let nested = false;
    for (let e = el.parentElement; e; e = e.parentElement) if (isTarget.has(e)) { nested = true; break; }
    if (nested || !visible(el) || inTextBlock(el) || fixedOrSticky(el)) continue;
    const rects = rectsOf(el);
    if (!rects.length) continue;
    gathered.push({el, rects: rects.map((r) => [r.left + scrollX, r.top + scrollY, r.width, r.height])});
  }
  // Screenshot is taken before this: scrolling to test what is on top is harmless now.
  const targets = [];
  for (const item of gathered) {
    const [x, y, w, h] = item.rects.reduce((a, b) => (a[2] * a[3] >= b[2] * b[3] ? a : b));
    const cx = x + w / 2, cy = y + h / 2;
    const wantY = Math.floor(cy / innerHeight) * innerHeight;
    if (scrollY !== wantY) window.scrollTo(0, wantY);
    const top = document.elementFromPoint(cx - scrollX, cy - scrollY);
    if (top && top !== item.el && !item.el.contains(top)) continue;
    const el = item.el;
    const label = el.getAttribute('data-gathered-target') ||
      (el.textContent || el.getAttribute('aria-label') || el.getAttribute('href') || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 80);
    targets.push({label, href: el.href ? String(el.href) : null, rects: item.rects});
  }
  window.scrollTo(0, 0);
  out.tap_targets = targets;

  // Images above the fold (page weight).
  const images = [];
  for (const img of Array.from(document.images).slice(0, 500)) {
    const r = img.getBoundingClientRect();
    if (r.top + scrollY < innerHeight && r.width > 0 && r.height > 0 && img.currentSrc) images.push(img.currentSrc);
  }
  out.fold_images = images.slice(0, 100);
  return out;
}
"""
