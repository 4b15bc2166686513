/** English: the built-in strings (strings.ts), which every other locale mirrors key for key. */
import { defaultStrings } from '../strings.ts';

export default defaultStrings;
