// @rocket.chat/rest-typings ships ES modules in .js files without "type": "module", and
// imports 'ajv/dist/2020' without an extension. Node's ESM loader needs both spelled out:
// these hooks load that package's files as ES modules and retry a bare import with '.js'.
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND' && !specifier.endsWith('.js')) {
      return nextResolve(`${specifier}.js`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (url.includes('/node_modules/@rocket.chat/rest-typings/dist/') && url.endsWith('.js')) {
    return nextLoad(url, { ...context, format: 'module' });
  }
  return nextLoad(url, context);
}
