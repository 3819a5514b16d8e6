// Validates a Swagger 2.0 file with @apidevtools/swagger-parser (the JSON schema of Swagger 2.0 plus its
// semantic rules: unique operation ids, path parameters declared, every $ref resolvable).
// Usage: node validate-swagger.mjs <file>. Prints one JSON line {valid, error?, operations?}; exit 0 only when valid.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  if (api.swagger !== "2.0") {
    throw new Error(`not Swagger 2.0 but ${api.swagger ?? api.openapi}`);
  }
  const operations = Object.values(api.paths).flatMap((item) => Object.keys(item)).length;
  console.log(JSON.stringify({ valid: true, operations }));
} catch (error) {
  console.log(JSON.stringify({ valid: false, error: String(error?.message ?? error) }));
  process.exitCode = 1;
}
