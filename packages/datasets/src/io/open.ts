import { download, type DownloadOptions } from './download.js';
import { isRemote, localResource, type DataLocation, type Resource } from './resource.js';

/** Opens any loader input: http(s) URLs are downloaded (cached, verified), everything else read in place. */
export async function openLocation(location: DataLocation, options: DownloadOptions = {}, name?: string): Promise<Resource> {
  if ((typeof location === 'string' || location instanceof URL) && isRemote(location)) return download(location, options);
  return localResource(location, name);
}
