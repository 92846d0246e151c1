// What every admin route does with a request body and an error: JSON bodies
// only, validated by a zod schema into a 400 that names the first bad field,
// and errors as {error, field}.
import type { Request, Response } from 'express';
import type { z } from 'zod';

export function sendError(res: Response, status: number, message: string, field?: string): void {
  res.status(status).json({ error: message, ...(field ? { field } : {}) });
}

/** A body that is not JSON (or a JSON value other than an object) is refused. */
export function jsonBody(req: Request, res: Response): Record<string, unknown> | undefined {
  if (!req.is('application/json')) {
    sendError(res, 415, 'the body must be JSON (Content-Type: application/json)');
    return undefined;
  }
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    sendError(res, 400, 'the body must be a JSON object');
    return undefined;
  }
  return req.body as Record<string, unknown>;
}

/** The parsed input, or undefined after a 400 that names the first bad field. */
export function validate<T extends z.ZodType>(schema: T, body: unknown, res: Response): z.infer<T> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    // An unknown key is reported on the object: name the key itself.
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const path = [...i.path, ...keys.slice(0, 1)].join('.') || '(body)';
    return { field: path, message: i.message };
  });
  const [first] = issues;
  res.status(400).json({ error: `${first?.field}: ${first?.message}`, field: first?.field, issues });
  return undefined;
}

/** The parsed JSON object body, or undefined once the answer has been sent. */
export function jsonInput<T extends z.ZodType>(schema: T, req: Request, res: Response): z.infer<T> | undefined {
  const body = jsonBody(req, res);
  return body && validate(schema, body, res);
}
