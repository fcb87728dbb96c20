/** What the router needs to expose: Express's route layers (`app.router.stack`). */
interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

interface KnownRoute {
  segments: string[];
  methods: string[];
}

/**
 * The methods each admin path accepts, learned from the router once it is built, so that a known
 * path asked with another method answers 405 with `Allow` instead of 404.
 */
export class RouteMethods {
  private routes: KnownRoute[] = [];

  learn(stack: readonly RouterLayer[]): void {
    this.routes = stack.flatMap((layer) => {
      if (!layer.route) return [];
      const methods = Object.keys(layer.route.methods).map((m) => m.toUpperCase());
      // Express answers HEAD with the GET route.
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      return [{ segments: splitPath(layer.route.path), methods }];
    });
  }

  /** The methods some route accepts for this path (empty when no route has it), sorted for the Allow header. */
  allowed(path: string): string[] {
    const segments = splitPath(path);
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (matches(route.segments, segments)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function splitPath(path: string): string[] {
  return path.split('?')[0].split('/').filter((segment) => segment !== '');
}

/** `:name` matches any one segment, as in the routes' declarations. */
function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  return pattern.length === segments.length && pattern.every((part, i) => part.startsWith(':') || part === segments[i]);
}
