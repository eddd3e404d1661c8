import tensorflow as tf
seen = []

@tf.function(
    input_signature=[tf.TensorSpec([None], tf.float32)])
def f(x: tf.Tensor = None, *args, flag: bool = True, **kw) -> tf.Tensor:
    """Docstring: print(x) and seen.append(x)
    def fake():
        seen.append(1)"""
    s = "#"; seen.append(x)
    r = rb'\'print(x)'; b = Rb"seen.append(x)"
    q = f"{x!r:>{len('}')}} {"print(y)"}"; seen.add(q)
    t = f'''{x}
    print(t) {x + 1}'''
    seen.append(
        x)
    y = x + \
        1; print(y)
    if x is None: seen.append(y)
    u = {'a': 1, 'b': [2,
         3]}  # print(u)
    return x

def one(x): seen.append(x); return x

def tabs(x):
	seen.append(x)
	if x:
		print(x)
print('after the body')
