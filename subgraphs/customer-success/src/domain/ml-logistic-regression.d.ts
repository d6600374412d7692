// The package ships no types; this declares only the part churn-model.ts uses
// (checked against ml-logistic-regression 2.0.0, src/logreg.js and
// src/logreg_2classes.js).
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  /** The library's binary classifier: gradient ascent on the summed log-likelihood, no intercept, no penalty. */
  interface TwoClassClassifier {
    numSteps: number;
    learningRate: number;
    /** 1 × columns row of fitted weights, in the column order of the training matrix; null before training. */
    weights: Matrix | null;
    /** `target` is a column vector of 0/1 labels; afterwards the classifier predicts P(label = 1). */
    train(features: Matrix, target: Matrix): void;
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    /** After `train`, one-vs-all: classifiers[i] predicts "class is not i". */
    classifiers: TwoClassClassifier[];
    numberClasses: number;
    train(features: Matrix, labels: Matrix): void;
    predict(features: Matrix): number[];
    /** Rebuilds a model from its JSON; each entry of `classifiers` becomes a TwoClassClassifier. */
    static load(model: {
      name: 'LogisticRegression';
      numberClasses: number;
      numSteps?: number;
      learningRate?: number;
      classifiers: { numSteps: number; learningRate: number; weights: null }[];
    }): LogisticRegression;
  }
}
