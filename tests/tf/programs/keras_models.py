"""Keras models trained as users train them: a functional model with fit (TensorBoard callback
writing its graph), a subclassed model with a custom GradientTape loop, then saved with debug
info.  Nothing here is a mistake.
"""
# expect: none
# artifact-refused: tensorboard Keras model config
# artifact: subclassed_saved
import numpy as np
import tensorflow as tf

keras = tf.keras
rng = np.random.default_rng(0)
features = rng.normal(size=(64, 8)).astype("float32")
labels = rng.integers(0, 3, size=(64,))

inputs = keras.Input(shape=(8,), name="features")
hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
outputs = keras.layers.Dense(3, name="logits")(hidden)
functional = keras.Model(inputs, outputs, name="functional")
functional.compile(optimizer="adam",
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   metrics=["accuracy"])
functional.fit(features, labels, batch_size=16, epochs=2, verbose=0,
               callbacks=[keras.callbacks.TensorBoard("tensorboard", write_graph=True)])
functional.predict(features[:8], verbose=0)


class Classifier(keras.Model):
    def __init__(self):
        super().__init__(name="classifier")
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(3)

    def call(self, x):
        return self.out(self.hidden(x))


model = Classifier()
optimizer = keras.optimizers.SGD(0.1)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


dataset = tf.data.Dataset.from_tensor_slices((features, labels)).batch(16, drop_remainder=True)
for epoch in range(2):
    for x, y in dataset:
        train_step(x, y)


class Serving(tf.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec([None, 8], tf.float32)])
    def serve(self, x):
        return self.model(x)


tf.saved_model.save(Serving(model), "subclassed_saved",
                    options=tf.saved_model.SaveOptions(save_debug_info=True))
# SPDX-License-Identifier: GPL-3.0-or-later
