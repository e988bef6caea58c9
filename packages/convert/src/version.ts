/** The Keras release whose file layout we write (and test against). */
export const KERAS_VERSION = '3.15.1';
