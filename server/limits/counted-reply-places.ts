import { TipsyError } from '../errors.js';
import type { ReplyPlaces } from './reply-slots.js';

/** Reply places that tell `onRefused` the site of each place they refuse (RATE_LIMITED): each site's daily refusals. */
export function countRefusedPlaces(places: ReplyPlaces, onRefused: (siteId: string) => void): ReplyPlaces {
  return {
    reserve(siteId, caller, limits) {
      const counted = (error: unknown): never => {
        if (error instanceof TipsyError && error.code === 'RATE_LIMITED') onRefused(siteId);
        throw error;
      };
      try {
        const slot = places.reserve(siteId, caller, limits);
        return slot instanceof Promise ? slot.catch(counted) : slot;
      } catch (error) {
        return counted(error);
      }
    },
  };
}
