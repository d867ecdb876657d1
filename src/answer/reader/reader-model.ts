/**
 * The fitted reader, written by `npm run fit:reader` (src/cli/reader-fit-command.ts): do not edit by hand.
 * Features: 23 (src/answer/reader/features.ts). See `provenance` for the data and the cross-validation.
 */
import type { ReaderModel } from './reader.js';

export const DEFAULT_READER_MODEL: ReaderModel = {
  "ranker": {
    "features": [
      "similarity",
      "similarityGap",
      "passage",
      "passageRank",
      "neighbour",
      "coverage",
      "coverageGap",
      "windowCoverage",
      "missingRare",
      "articleMissingRare",
      "novelty",
      "restates",
      "typeWanted",
      "typeMatch",
      "typeMissing",
      "lead",
      "firstSentence",
      "definitionLead",
      "length",
      "backReference",
      "leadIn",
      "titleInQuestion",
      "articleGap"
    ],
    "mean": [
      0.238738,
      -0.450324,
      0.314804,
      0.137166,
      0.267131,
      0.082889,
      -0.656416,
      0.198716,
      0.678819,
      0.432538,
      0.963653,
      0.00932,
      0.448916,
      0.184162,
      0.264754,
      0.074593,
      0.023528,
      0.007249,
      0.403164,
      0.130153,
      0.029138,
      0.220075,
      -0.144925
    ],
    "scale": [
      0.15532,
      0.175041,
      0.164174,
      0.195327,
      0.153715,
      0.136762,
      0.23504,
      0.192582,
      0.171244,
      0.362926,
      0.062076,
      0.025266,
      0.497384,
      0.387616,
      0.441202,
      0.173218,
      0.151573,
      0.084835,
      0.191645,
      0.336472,
      0.168193,
      0.356394,
      0.187643
    ],
    "weights": [
      0.606774,
      0.53841,
      1.377637,
      0.076042,
      0.403777,
      0.220433,
      0.128263,
      1.878667,
      0.312512,
      -0.790737,
      -0.001834,
      0.077877,
      0,
      0.432001,
      -0.379532,
      0.503045,
      -0.294789,
      0.177362,
      0.256921,
      0.089626,
      -0.054394,
      -0.070585,
      0.36908
    ],
    "bias": 0
  },
  "trigger": {
    "features": [
      "topScore",
      "topShare",
      "margin",
      "similarity",
      "passage",
      "coverage",
      "windowCoverage",
      "missingRare",
      "articleMissingRare",
      "novelty",
      "typeWanted",
      "typeMissing",
      "firstSentence",
      "definitionLead",
      "titleInQuestion"
    ],
    "mean": [
      13.56323,
      0.664608,
      2.001463,
      0.638554,
      0.554362,
      0.672521,
      0.749632,
      0.401419,
      0.293902,
      0.778227,
      0.462312,
      0.101759,
      0.20603,
      0.08794,
      0.435355
    ],
    "scale": [
      3.911074,
      0.258011,
      1.779113,
      0.135624,
      0.149316,
      0.248052,
      0.226079,
      0.317231,
      0.353276,
      0.151482,
      0.498578,
      0.302331,
      0.404452,
      0.283207,
      0.425913
    ],
    "weights": [
      -1.249482,
      1.075536,
      0.043801,
      0.827701,
      0.080453,
      0.754241,
      0.423204,
      0.5511,
      -0.726264,
      0.111502,
      -0.060078,
      -0.31611,
      -0.472112,
      0.121293,
      -0.323785
    ],
    "bias": 0.280598
  },
  "refusalThreshold": 0.0783,
  "strength": {
    "direct": 0.5016,
    "likely": 0.0783
  },
  "provenance": {
    "command": "npm run fit:reader",
    "data": {
      "wikiqa": "296 questions of WikiQA dev",
      "squad": "500 questions (tuning half of eval:squad's sample, seed 7)"
    },
    "settings": {
      "fit": {
        "l2": 1,
        "maxIterations": 50,
        "tolerance": 1e-8
      },
      "datasetWeights": {
        "wikiqa": 1,
        "squad": 1
      },
      "calibrateOn": "wikiqa",
      "maxFalseRefusals": {
        "wikiqa": 0.1,
        "squad": 0.03
      },
      "strengthPrecision": {
        "direct": 0.8,
        "likely": 0.6
      }
    },
    "crossValidation": {
      "folds": 5,
      "wikiqa": {
        "questions": 296,
        "answerable": 126,
        "precisionAt1": 0.5397,
        "rankingPrecisionAt1": 0.5556,
        "answered": 254,
        "falseRefusals": 0.0873,
        "declined": 0.1824,
        "precision": 0.2677,
        "recall": 0.5397,
        "f1": 0.3579
      }
    }
  }
};
