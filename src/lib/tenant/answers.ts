import * as z from 'zod/mini';
import {
  type ExportConfiguration,
  ExportConfigurationSchema,
  type ExportJobTask,
  ExportJobTaskSchema,
} from './types.js';

export type { ExportConfiguration, ExportJobTask };

/** The outcome of checking one answer against what the CLI relies on. */
export type AnswerCheck<T> = (value: unknown) => { ok: true; value: T } | { ok: false; problem: string };

function checker<S extends z.ZodMiniType>(schema: S): AnswerCheck<z.infer<S>> {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data as z.infer<S> };
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, problem: `${where}${issue?.message ?? 'invalid'}` };
  };
}

export const checkConfigurations = checker(z.array(ExportConfigurationSchema));
export const checkConfiguration = checker(ExportConfigurationSchema);
export const checkTasks = checker(z.array(ExportJobTaskSchema));
export const checkDeleted = checker(z.looseObject({ id: z.string() }));
