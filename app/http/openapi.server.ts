import { z } from "zod";

import { CASE_STATUSES, CASE_TYPES } from "../../machines/vocabulary";
import { commentInput, createCaseInput, eventInput, leadTimeQuery, templateActionInput, templateInput } from "../cases/schemas";

/**
 * The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas that validate the
 * requests (no hand-kept copy). JSON Schema 2020-12 is OpenAPI 3.1's schema dialect.
 */
const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: "draft-2020-12", io: "input", unrepresentable: "any" });

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: { type: "string" },
    fieldErrors: { type: "object", additionalProperties: { type: "string" } },
  },
};

const caseView = {
  type: "object",
  required: ["number", "type", "status", "title", "system", "allowedEvents", "audit"],
  properties: {
    number: { type: "string", examples: ["CHG-2026-00001"] },
    type: { enum: [...CASE_TYPES] },
    status: {
      type: "string",
      enum: [...CASE_STATUSES],
    },
    title: { type: "string" },
    description: { type: "string" },
    system: { type: "object", properties: { code: { type: "string" }, name: { type: "string" } } },
    supplier: { type: ["object", "null"], properties: { id: { type: "integer" }, name: { type: "string" } } },
    requester: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" } } },
    priority: { type: ["integer", "null"], minimum: 1, maximum: 4 },
    window: { type: ["object", "null"], properties: { start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } } },
    accessWindow: { type: ["object", "null"] },
    details: { type: "object" },
    allowedEvents: { type: "array", items: { type: "string" } },
    disturbance: { type: ["object", "null"], description: "An incident published on the public status page (see /cases/{number}/disturbance)" },
    audit: {
      type: "array",
      items: {
        type: "object",
        properties: {
          at: { type: "string", format: "date-time" },
          actor: { type: "string" },
          event: { type: "string" },
          from: { type: ["string", "null"] },
          to: { type: ["string", "null"] },
          reason: { type: ["string", "null"], description: "Why (not for a supplier), or a comment's text, or a file's name" },
          shared: { type: ["boolean", "null"], description: "A comment's or a file's entry: shared with the supplier (true) or internal (false)" },
        },
      },
    },
    attachments: { type: "array", items: { $ref: "#/components/schemas/Attachment" } },
  },
};

const attachment = {
  type: "object",
  properties: {
    id: { type: "integer" },
    name: { type: "string", description: "Sanitised; its extension is the content's" },
    contentType: { type: "string", description: "What the content is (sniffed), not what the upload claimed" },
    size: { type: "integer", maximum: 10485760 },
    shared: { type: "boolean" },
    by: { type: "string" },
    at: { type: "string", format: "date-time" },
  },
};

const json = (s: object) => ({ "application/json": { schema: s } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code] ?? "Error", content: json({ $ref: "#/components/schemas/Error" }) }]));
const ERROR_TEXT: Record<number, string> = {
  400: "Malformed request",
  401: "No or invalid bearer token",
  403: "Your role or relation to the case does not allow this",
  404: "No such case (or not visible to you)",
  409: "The case's state does not allow this now, or someone changed it first",
  413: "Body too large",
  415: "Body is not JSON",
  422: "The content is not acceptable; see fieldErrors",
};

export function openApiDocument(baseUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Supplier-access portal API",
      version: "1",
      description:
        "Requests for time-limited supplier access, their decisions and access windows. Authenticate with a personal API token: `Authorization: Bearer sap_…`.",
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A personal API token created under Settings." } },
      schemas: {
        Error: error,
        Case: caseView,
        DisturbanceAnswer: {
          type: "object",
          properties: {
            disturbance: {
              type: ["object", "null"],
              properties: {
                publicText: { type: "string" },
                publishedAt: { type: "string", format: "date-time" },
                resolvedAt: { type: ["string", "null"], format: "date-time" },
                updates: {
                  type: "array",
                  items: { type: "object", properties: { text: { type: "string" }, at: { type: "string", format: "date-time" } } },
                },
              },
            },
          },
        },
        CreateCase: schema(createCaseInput),
        Event: schema(eventInput),
        LeadTimeQuery: schema(leadTimeQuery),
        NewTemplate: schema(templateInput),
        TemplateAction: schema(templateActionInput),
        NewComment: schema(commentInput),
        Comment: {
          type: "object",
          properties: {
            at: { type: "string", format: "date-time" },
            author: { type: "string" },
            body: { type: "string" },
            shared: { type: "boolean" },
          },
        },
        Attachment: attachment,
      },
    },
    paths: {
      "/lead-time": {
        get: {
          summary: "The earliest window start for a change submitted on a date",
          security: [],
          parameters: [
            { name: "type", in: "query", required: true, schema: { enum: ["simple-change", "advanced-change"] } },
            { name: "submittedDate", in: "query", required: true, schema: { type: "string", format: "date" } },
          ],
          responses: {
            "200": {
              description: "The lead time",
              content: json({
                type: "object",
                properties: {
                  type: { type: "string" },
                  workingDays: { type: "integer" },
                  submittedDate: { type: "string", format: "date" },
                  earliestStart: { type: "string", format: "date" },
                },
              }),
            },
            ...errors(400),
          },
        },
      },
      "/systems": {
        get: {
          summary: "Systems and their dependencies",
          responses: { "200": { description: "The systems", content: json({ type: "array", items: { type: "object" } }) }, ...errors(401) },
        },
      },
      "/cases": {
        get: {
          summary: "The cases you may see",
          parameters: ["status", "type", "system", "q", "page", "pageSize", "sort"].map((name) => ({
            name,
            in: "query",
            required: false,
            schema: { type: "string" },
          })),
          responses: {
            "200": {
              description: "A page of cases",
              content: json({
                type: "object",
                properties: { items: { type: "array" }, page: { type: "integer" }, pageSize: { type: "integer" }, total: { type: "integer" } },
              }),
            },
            ...errors(400, 401),
          },
        },
        post: {
          summary: "Create a case (submitted unless draft: true)",
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/CreateCase" }) },
          responses: { "201": { description: "The case", content: json({ $ref: "#/components/schemas/Case" }) }, ...errors(400, 401, 403, 413, 415, 422) },
        },
      },
      "/templates": {
        get: {
          summary: "Request templates and standard changes you may see (requesters: their systems'; the CAB: the standard changes)",
          responses: {
            "200": { description: "The templates", content: json({ type: "object", properties: { items: { type: "array" } } }) },
            ...errors(401, 403),
          },
        },
        post: {
          summary: "Keep a case as a template (a requester of its system); start a request from it with templateId in POST /cases",
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/NewTemplate" }) },
          responses: {
            "201": { description: "The template's id", content: json({ type: "object", properties: { id: { type: "integer" } } }) },
            ...errors(400, 401, 403, 404, 422),
          },
        },
      },
      "/templates/{id}": {
        post: {
          summary: "Mark a template a standard change (service centre), withdraw one (CAB, service centre), or remove it (its owner, service centre)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/TemplateAction" }) },
          responses: { "200": { description: "The template" }, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      "/cases/{number}": {
        get: {
          summary: "One case with allowedEvents and its audit trail",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The case", content: json({ $ref: "#/components/schemas/Case" }) }, ...errors(401, 404) },
        },
      },
      "/cases/{number}/conflicts": {
        get: {
          summary: "The conflicts of a case's window: overlapping windows on the same or dependent systems, and blackout periods",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "The conflicts",
              content: json({
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    number: { type: ["string", "null"] },
                    system: { type: ["string", "null"] },
                    window: { type: "object", properties: { start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } } },
                    relation: { enum: ["same", "depends-on", "dependency-of", "blackout"] },
                    path: { type: "array", items: { type: "string" } },
                  },
                },
              }),
            },
            ...errors(401, 404),
          },
        },
      },
      "/cases/{number}/disturbance": {
        get: {
          summary: "An incident's disturbance on the public status page: its public text, updates and resolution (null if not published)",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The disturbance", content: json({ $ref: "#/components/schemas/DisturbanceAnswer" }) }, ...errors(401, 404) },
        },
        post: {
          summary:
            "The service centre publishes a priority 1–2 incident as a disturbance, adds a public update, or marks it resolved (resolvedAt: not in the future; default now)",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["action"],
              properties: {
                action: { enum: ["publish", "update", "resolve"] },
                text: { type: "string", maxLength: 2000, description: "The public text (publish, update; optional closing text at resolve)" },
                resolvedAt: { type: "string", format: "date-time" },
              },
            }),
          },
          responses: {
            "200": { description: "The disturbance after the step", content: json({ $ref: "#/components/schemas/DisturbanceAnswer" }) },
            ...errors(400, 401, 403, 404, 409, 413, 415, 422),
          },
        },
      },
      "/reports": {
        get: {
          summary: "The reports' figures for a period (service centre, CAB, administrator): each figure's series and rows, as /reports shows them",
          parameters: [
            { name: "from", in: "query", schema: { type: "string", format: "date" } },
            { name: "to", in: "query", schema: { type: "string", format: "date" } },
          ],
          responses: {
            "200": { description: "The figures", content: json({ type: "object", properties: { period: { type: "object" }, figures: { type: "array" } } }) },
            ...errors(401, 403, 422),
          },
        },
      },
      "/substitutes": {
        get: {
          summary: "Your substitutes (mine) and those you stand in for (standingIn), current and coming",
          responses: {
            "200": {
              description: "The substitutions",
              content: json({ type: "object", properties: { mine: { type: "array" }, standingIn: { type: "array" } } }),
            },
            ...errors(401),
          },
        },
        post: {
          summary: "Name a substitute for a period (a system administrator or owner): a colleague with the same role, from today, at most a year",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["substituteId", "startsOn", "endsOn"],
              properties: { substituteId: { type: "integer" }, startsOn: { type: "string", format: "date" }, endsOn: { type: "string", format: "date" } },
            }),
          },
          responses: {
            "201": { description: "The substitution's id", content: json({ type: "object", properties: { id: { type: "integer" } } }) },
            ...errors(400, 401, 403, 415, 422),
          },
        },
      },
      "/substitutes/{id}": {
        post: {
          summary: "End one of your substitutions now",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          requestBody: { required: true, content: json({ type: "object", required: ["action"], properties: { action: { enum: ["end"] } } }) },
          responses: { "200": { description: "Ended" }, ...errors(400, 401, 404) },
        },
      },
      "/cases/{number}/comments": {
        get: {
          summary: "The case's thread: the comments you may see (a supplier: the shared ones), oldest first",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "The comments",
              content: json({ type: "object", properties: { items: { type: "array", items: { $ref: "#/components/schemas/Comment" } } } }),
            },
            ...errors(401, 404),
          },
        },
        post: {
          summary: "Comment on a case (everyone who sees it but the administrator); mailed to its participants, the supplier only if shared",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/NewComment" }) },
          responses: {
            "201": { description: "The comment", content: json({ $ref: "#/components/schemas/Comment" }) },
            ...errors(400, 401, 403, 404, 413, 415, 422),
          },
        },
      },
      "/cases/{number}/attachments": {
        get: {
          summary: "The case's files you may see (a supplier: the shared ones)",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "The files",
              content: json({ type: "object", properties: { items: { type: "array", items: { $ref: "#/components/schemas/Attachment" } } } }),
            },
            ...errors(401, 404),
          },
        },
        post: {
          summary: "Attach a file (at most 10 MB; PDF, image, text, Office, OpenDocument, zip or gzip, by its content); in the trail",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["file"],
                  properties: { file: { type: "string", format: "binary" }, shared: { enum: ["true", "false"], description: "Share with the supplier" } },
                },
              },
            },
          },
          responses: {
            "201": { description: "The file", content: json({ $ref: "#/components/schemas/Attachment" }) },
            ...errors(401, 403, 404, 413, 415, 422),
          },
        },
      },
      "/cases/{number}/attachments/{id}": {
        get: {
          summary: "A file's content, as an attachment (Content-Disposition); the download is in the trail",
          parameters: [
            ...[{ name: "number", in: "path", required: true, schema: { type: "string" } }],
            { name: "id", in: "path", required: true, schema: { type: "integer" } },
          ],
          responses: {
            "200": { description: "The file", content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
            ...errors(401, 404),
          },
        },
      },
      "/conflicts": {
        get: {
          summary: "The conflicts and freezes a window on a system would meet, before a case exists (the request form asks as the requester types)",
          parameters: [
            { name: "system", in: "query", required: true, schema: { type: "string" } },
            { name: "start", in: "query", required: true, schema: { type: "string", format: "date-time" } },
            { name: "end", in: "query", required: true, schema: { type: "string", format: "date-time" } },
            {
              name: "exclude",
              in: "query",
              required: false,
              description: "A case whose own window is no conflict (the one being edited)",
              schema: { type: "string" },
            },
          ],
          responses: {
            "200": {
              description: "The conflicts, as for a case, and how many of them are freezes",
              content: json({ type: "object", properties: { conflicts: { type: "array", items: { type: "object" } }, freezes: { type: "integer" } } }),
            },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      "/access-windows": {
        get: {
          summary: "Access windows you may see",
          parameters: [
            { name: "state", in: "query", required: false, schema: { enum: ["scheduled", "open", "closed", "cancelled"] } },
            { name: "from", in: "query", required: false, schema: { type: "string", format: "date-time" } },
            { name: "to", in: "query", required: false, schema: { type: "string", format: "date-time" } },
          ],
          responses: {
            "200": { description: "The windows", content: json({ type: "object", properties: { items: { type: "array" } } }) },
            ...errors(400, 401),
          },
        },
      },
      "/access-windows/{id}/events": {
        post: {
          summary: "Operations and suppliers act on a window: GRANT, REVOKE, END, REQUEST_EXTENSION, APPROVE_EXTENSION, REFUSE_EXTENSION",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["type"],
              properties: {
                type: { enum: ["GRANT", "REVOKE", "END", "REQUEST_EXTENSION", "APPROVE_EXTENSION", "REFUSE_EXTENSION"] },
                reason: { type: "string" },
                end: { type: "string", format: "date-time" },
              },
            }),
          },
          responses: { "200": { description: "The window after the event", content: json({ type: "object" }) }, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      "/cases/{number}/events": {
        post: {
          summary: "Send an event to a case",
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/Event" }) },
          responses: {
            "200": { description: "The case after the event", content: json({ $ref: "#/components/schemas/Case" }) },
            ...errors(400, 401, 403, 404, 409, 413, 415, 422),
          },
        },
      },
    },
  };
}
