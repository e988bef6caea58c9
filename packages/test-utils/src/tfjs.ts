// TensorFlow.js as the test reference: tfjs-core on its cpu backend, with all
// gradients registered and no "running in Node" banner.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

tf.env().set('PROD', true);
await tf.setBackend('cpu');

export { tf };
