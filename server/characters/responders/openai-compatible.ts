import OpenAI from 'openai';
import type { ReplyRequest, Responder } from './responder.js';
import type { ModelFetch } from './guarded-fetch.js';
import { buildPrompt } from './prompt.js';
import type { ResponderSettings } from './settings.js';

type OpenAISettings = Extract<ResponderSettings, { kind: 'openai' }>;

/** Speaks through any OpenAI-compatible chat-completions endpoint, streaming tokens as they come. */
export class OpenAICompatibleResponder implements Responder {
  private readonly client: OpenAI;

  constructor(
    private readonly settings: OpenAISettings,
    /** Guarded: a site's endpoint reaches only what the operator allows, and no redirect is followed. */
    fetch: ModelFetch,
  ) {
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      // Local servers (Ollama, llama.cpp) ignore the key, but the client insists on one.
      apiKey: settings.apiKey ?? 'not-needed',
      maxRetries: 0, // a retry would restart a reply the visitor is already reading
      timeout: 120_000,
      fetch,
    });
  }

  async *reply({ character, history, signal, userName, reportUsage }: ReplyRequest): AsyncIterable<string> {
    const stream = await this.client.chat.completions.create(
      {
        model: this.settings.model,
        messages: buildPrompt(character, history, this.settings.contextChars, userName),
        stream: true,
        // The last chunk then carries the tokens used, which site budgets count (endpoints that ignore it are estimated).
        stream_options: { include_usage: true },
        ...(this.settings.temperature !== undefined && { temperature: this.settings.temperature }),
        ...(this.settings.maxTokens !== undefined && { max_tokens: this.settings.maxTokens }),
      },
      { signal },
    );
    for await (const chunk of stream) {
      const usage = chunk.usage && { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
      // Only whole counts: an endpoint that says something else is estimated instead.
      if (usage && [usage.inputTokens, usage.outputTokens].every((n) => Number.isSafeInteger(n) && n >= 0)) reportUsage?.(usage);
      const delta = chunk.choices?.[0]?.delta?.content;
      if (delta) yield delta;
    }
  }
}
