// The error responses every route documents, in the OpenAI shape.
import { ErrorBodySchema } from '../openai/chat-schemas';

const errorContent = { 'application/json': { schema: ErrorBodySchema } };

export function errorResponses<const S extends number>(statuses: Record<S, string>) {
  const responses = {} as Record<S, { description: string; content: typeof errorContent }>;
  for (const [status, description] of Object.entries(statuses) as Array<[string, string]>) {
    responses[Number(status) as S] = { description, content: errorContent };
  }
  return responses;
}

export const bearerSecurity = [{ appKey: [] as string[] }];
