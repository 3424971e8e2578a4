// Catalog
export { Catalog, defineCatalog, defaultCatalog } from './catalog/catalog.js';
export type {
  CatalogStatus,
  ErrorStatusOf,
  ErrorSubCodeOf,
  Register,
  RegisteredEntry,
  SubCode,
  SubCodeOf,
} from './catalog/catalog.js';
export type { CatalogEntry, SubCodeString } from './catalog/catalog-entry.js';
export { defaultEntries } from './catalog/default-entries.js';
export type { DefaultEntry } from './catalog/default-entries.js';

// Errors
export { ApiError, isApiError } from './errors/api-error.js';
export { markRefusal } from './errors/refusal.js';
export type { Refusal } from './errors/refusal.js';
export type { ApiErrorOptions, ErrorHeaders } from './errors/api-error.js';
export {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  ExpectationFailedError,
  FailedDependencyError,
  ForbiddenError,
  GatewayTimeoutError,
  GoneError,
  HTTPVersionNotSupportedError,
  ImATeapotError,
  InsufficientStorageError,
  InternalServerError,
  LengthRequiredError,
  LockedError,
  LoopDetectedError,
  MethodNotAllowedError,
  MisdirectedRequestError,
  NetworkAuthenticationRequiredError,
  NotAcceptableError,
  NotExtendedError,
  NotFoundError,
  NotImplementedError,
  PayloadTooLargeError,
  PaymentRequiredError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ProxyAuthenticationRequiredError,
  RangeNotSatisfiableError,
  RequestHeaderFieldsTooLargeError,
  RequestTimeoutError,
  ServiceUnavailableError,
  TooEarlyError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableForLegalReasonsError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
  UpgradeRequiredError,
  URITooLongError,
  VariantAlsoNegotiatesError,
  errorClasses,
} from './errors/error-classes.js';
export type { ValidationIssue } from './errors/error-classes.js';
export { defineErrorClass } from './errors/define-error-class.js';
export type {
  ApiErrorClass,
  ErrorClassParts,
  ImpliedParts,
  OwnOptionKinds,
} from './errors/define-error-class.js';
export { createError } from './errors/create-error.js';
export type { CreateErrorArgs, ErrorClassStatus } from './errors/create-error.js';

// Headers
export { bearerChallenge } from './headers/www-authenticate.js';
export type {
  BearerChallengeOptions,
  BearerErrorCode,
  Challenge,
} from './headers/www-authenticate.js';
export type { RetryAfter } from './headers/retry-after.js';

// Rate limiting
export { rateLimit } from './rate-limit/rate-limit.js';
export { clientKey } from './clients/client-key.js';
export type { RateLimitMiddleware } from './rate-limit/rate-limit.js';
export type { RateLimitInfo } from './rate-limit/rate-limit-info.js';
export type {
  RateLimitOptions,
  RateLimitSharedOptions,
  WindowOptions,
} from './rate-limit/options.js';
export type { Algorithm } from './stores/algorithms.js';
export { MemoryStore } from './stores/memory-store.js';
export type { MemoryStoreOptions } from './stores/memory-store.js';
export { RedisStore } from './stores/redis-store.js';
export type {
  NodeRedisClusterClient,
  NodeRedisSentinelClient,
  NodeRedisSentinelLease,
  RedisClient,
  RedisStoreBaseOptions,
} from './stores/redis-client.js';
export type { RedisStoreOptions } from './stores/redis-store.js';
export type {
  BlockPolicy,
  PolicyWindow,
  RateLimitDecision,
  RateLimitPolicy,
  RateLimitStore,
} from './stores/store.js';

// Duplicate requests: operation lock and Idempotency-Key replay
export { operationLock } from './operation-lock/operation-lock.js';
export type { OperationLockMiddleware } from './operation-lock/operation-lock.js';
export type { OperationLockOptions } from './operation-lock/options.js';
export type { LockAcquisition, OperationLockStore } from './operation-lock/lock-store.js';
export { MemoryLockStore } from './operation-lock/memory-lock-store.js';
export type { MemoryLockStoreOptions } from './operation-lock/memory-lock-store.js';
export { RedisLockStore } from './operation-lock/redis-lock-store.js';
export type { RedisLockStoreOptions } from './operation-lock/redis-lock-store.js';

// Middleware
export { errorHandler } from './handler/error-handler.js';
export type {
  ErrorClass,
  ErrorHandlerOptions,
  ErrorMapping,
  ErrorMappings,
  MappingTarget,
} from './handler/options.js';
export type { Logger, LogLevel } from './logging/logger.js';
export type { ProblemDetails } from './handler/problem.js';
export { redactPaths } from './logging/redact-paths.js';
export { notFound } from './middleware/not-found.js';
export { methodNotAllowed } from './middleware/method-not-allowed.js';
export type { MethodNotAllowedOptions } from './middleware/method-not-allowed.js';
export { maintenance, DEFAULT_MAINTENANCE_ALLOW } from './middleware/maintenance.js';
export type { MaintenanceAllowRule, MaintenanceOptions } from './middleware/maintenance.js';
export { loadShedding } from './middleware/load-shedding.js';
export { requireContentType } from './middleware/require-content-type.js';
export { deprecated } from './middleware/deprecated.js';
export type { DeprecatedLinks, DeprecatedOptions } from './middleware/deprecated.js';
export { expectationFailed, handleExpectations } from './middleware/expect.js';
export type { LoadSheddingMiddleware, LoadSheddingOptions } from './middleware/load-shedding.js';

// Documentation: response-codes pages, OpenAPI components, the contract check
export { renderResponseCodes } from './docs/render-response-codes.js';
export type {
  RenderResponseCodesOptions,
  ResponseCodesFormat,
} from './docs/render-response-codes.js';
export { toOpenApi } from './docs/openapi.js';
export type { OpenApiComponents, ToOpenApiOptions } from './docs/openapi.js';
export type { HeaderObject, HeaderSchema } from './docs/openapi-headers.js';
export { assertProblemMatchesCatalog, ProblemContractError } from './docs/contract.js';
export type { ContractOptions, ProblemResponse } from './docs/contract.js';
export { codeAnchor } from './catalog/anchor.js';
export { responseCodesPage } from './docs/response-codes-page.js';
export type { ResponseCodesPageOptions } from './docs/response-codes-page.js';
export { diffCatalogs } from './docs/diff-catalogs.js';
export type { CatalogChange } from './docs/diff-catalogs.js';
export { catalogFromJson, catalogToJson } from './docs/catalog-json.js';
export type { CatalogJson } from './docs/catalog-json.js';

// pino-http
export { genReqId } from './pino-http/gen-req-id.js';
export type { GenReqId } from './pino-http/gen-req-id.js';
export { serializers } from './pino-http/serializers.js';
export type { SerializedRequest } from './pino-http/serializers.js';
export { pinoHttpOptions } from './pino-http/pino-http-options.js';
export type {
  CustomErrorObject,
  CustomLogLevel,
  PinoHttpRecipe,
  PinoHttpRecipeOptions,
} from './pino-http/pino-http-options.js';

// Success responses
export { accepted, created, found, noContent } from './responses/success.js';
export type { CreatedOptions } from './responses/success.js';

// Bad options
export { OPTION_ERROR_CODES } from './options/option-error.js';
export type { OptionError, OptionErrorCode } from './options/option-error.js';

// Observability
export { CHANNEL_NAMES } from './observability/channels.js';
export type {
  ErrorMessage,
  LoadSheddingMessage,
  OperationLockMessage,
  RateLimitMessage,
  StoreMessage,
} from './observability/channels.js';
