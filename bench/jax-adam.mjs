// The jitted Adam step the jax-js peers share (Keras' epsilon 1e-7): given
// loss(params, x, y), returns update(params, m, v, x, y, lrT) → [loss, params, m, v].
import { jit, numpy as np, valueAndGrad } from '@jax-js/jax';

export function jaxAdamUpdate(loss, b1 = 0.9, b2 = 0.999, eps = 1e-7) {
  return jit((p, ms, vs, x, y, lrT) => {
    const [value, grads] = valueAndGrad((q) => loss(q, x, y))(p.map((q) => q.ref));
    const np1 = [],
      nm = [],
      nv = [];
    grads.forEach((g, i) => {
      const mi = ms[i].mul(b1).add(g.ref.mul(1 - b1));
      const vi = vs[i].mul(b2).add(g.ref.mul(g).mul(1 - b2));
      np1.push(p[i].sub(mi.ref.mul(lrT.ref).div(np.sqrt(vi.ref).add(eps))));
      nm.push(mi);
      nv.push(vi);
    });
    lrT.dispose();
    return [value, np1, nm, nv];
  });
}
