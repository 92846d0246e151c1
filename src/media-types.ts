// Media types guessed from a file name, for enclosures and images that come
// without a type (RSS 2.0 requires one, yet feeds leave it out) or with one
// that is not a media type at all. Only the extensions feeds commonly link to: a
// guess we cannot make is left to the caller (normalize falls back on
// application/octet-stream, RFC 2046 4.5.1's "arbitrary binary data").

const byExtension: Record<string, string> = {
  // Pictures: what decides that an untyped enclosure is the entry's image.
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  // Sound and video: podcasts and news clips.
  mp3: 'audio/mpeg',
  m4a: 'audio/x-m4a',
  aac: 'audio/aac',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  webm: 'video/webm',
  // Documents.
  pdf: 'application/pdf',
  epub: 'application/epub+zip',
};

/** The media type a URL's file extension suggests, or undefined. Relative URLs are fine: only the path is read. */
export function mediaTypeFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const path = url.split(/[?#]/)[0] ?? '';
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : byExtension[name.slice(dot + 1).toLowerCase()];
}

/** Whether an enclosure is a picture: by its declared type, else by its file name. */
export function isImageEnclosure(url: string | undefined, type: string | undefined): boolean {
  if (type) return type.trim().toLowerCase().startsWith('image/');
  return mediaTypeFromUrl(url)?.startsWith('image/') ?? false;
}
