/**
 * `@overtone/overtone/errors`: every error class Overtone throws, from every layer, in one place. Switch on
 * `code`; use `isOvertoneError` rather than `instanceof` when errors may come from another copy of the package.
 */
export {
  AbortedError,
  BackendError,
  ConfigError,
  type ErrorOptions,
  GgufCodecError,
  GgufFormatError,
  HarmonyParseError,
  HarmonyRenderError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
  TokenizerError,
} from "@overtone/errors";
