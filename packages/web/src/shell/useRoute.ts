import { useCallback, useEffect, useState } from 'react';
import { parseRoute, routeSearch, type Route } from './route';

/** The route in the address bar, with back/forward support. */
export function useRoute(): [Route, (r: Route, opts?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.search));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((r: Route, opts: { replace?: boolean } = {}) => {
    const search = routeSearch(r);
    // Keep the hash (#pin=...) only while staying in the same place.
    if (search !== location.search) history[opts.replace ? 'replaceState' : 'pushState'](null, '', `/${search}`);
    setRoute(r);
  }, []);
  return [route, navigate];
}
