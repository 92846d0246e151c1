// How every HTML page is sent: with a Content-Security-Policy that lets the
// page load nothing but its inline styles and images, so that markup which
// slipped past the sanitizer or the escaping still cannot run a script,
// load one, re-base links or be framed (defence in depth: every page is
// escaped and every body sanitized already).
import type { Response } from 'express';

const policy = ["default-src 'none'", "style-src 'unsafe-inline'", 'img-src * data:', "base-uri 'none'", "frame-ancestors 'none'"].join('; ');

export function sendHtml(res: Response, html: string): void {
  res.set('Content-Security-Policy', policy);
  res.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.type('html').send(html);
}
