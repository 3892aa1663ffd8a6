# Vendored from NAB, the Numenta Anomaly Benchmark: https://github.com/numenta/NAB
# at commit ea702d75cc2258d9d7dd35ca8e5e2539d71f3140 (2024-12-03, "chore: MIT License (#408)"),
# the commit lstm_helpers.nab pins. Used only by tests/helpers/test_nab.py (through
# nab_reference.py), to score random inputs with NAB's own code. NOT part of the package.
#
# What is here, and from where (each block verbatim, two-space indentation and all):
#   * nab/sweeper.py, lines 9-end (everything after the copyright comment): sigmoid,
#     scaledSigmoid, prepAnomalyListForScoring, AnomalyPoint, ThresholdScore and the whole
#     Sweeper class (calcSweepScore, calcScoreByThreshold, scoreDataSet, ...).
#   * nab/util.py: strp (lines 285-293) and deepmap (lines 317-327).
#   * nab/labeler.py: the whole CorpusLabel class (lines 87-204): it reads a labels JSON and
#     refuses windows whose ends are not timestamps of the data file.
#   * nab/scorer.py: scoreDataSet (lines 113-173), the function scoreCorpus calls per data file.
#
# Changes, all of them (test_nab.py::test_vendored_code_is_verbatim checks every other
# line against the mirror of NAB's repository when it is on the machine):
#   1. The four files are concatenated into this one module; their module-level imports are
#      gathered at their blocks (sweeper.py's own import lines stay where they are; those of
#      labeler.py and util.py that the copied code uses, itertools, os, pandas, json and
#      dateutil, stand above it). The imports between NAB's own modules
#      (`from nab.sweeper import Sweeper`, `from nab.util import ...`) are dropped: those
#      names are defined in this module.
#   2. pandas 3 (copy-on-write) makes `Series.values` read-only, so CorpusLabel.getLabels'
#        labels["label"].values[indices.values] = 1
#      raises "ValueError: assignment destination is read-only". It is replaced by the
#      positional assignment it meant:
#        labels.iloc[indices.values, labels.columns.get_loc("label")] = 1
#      (the data frames NAB reads have a RangeIndex, so index labels are positions).
#   Nothing else changed; the code runs on Python 3.11 and pandas 3 as it is.
#
# NAB's LICENSE.txt, reproduced as it requires:
#
# Copyright 2014-2024 Numenta Inc.
#
# Permission is hereby granted, free of charge, to any person obtaining a copy
# of this software and associated documentation files (the "Software"), to deal
# in the Software without restriction, including without limitation the rights
# to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
# copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions:
#
# The above copyright notice and this permission notice shall be included in all
# copies or substantial portions of the Software.
#
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
# FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
# SOFTWARE.
#
# The files' own notice (nab/sweeper.py, nab/scorer.py, nab/labeler.py, nab/util.py):
# Copyright 2014-2015 Numenta Inc.
#
# Copyright may exist in Contributors' modifications
# and/or contributions to the work.
#
# Use of this source code is governed by the MIT
# license that can be found in the LICENSE file or at
# https://opensource.org/licenses/MIT.
# ruff: noqa

# ---- imports of labeler.py and util.py (sweeper.py's follow with its code) ---------------
import dateutil
import itertools
import os
import pandas
try:
  import simplejson as json
except ImportError:
  import json


# ==== nab/sweeper.py, lines 9-end ==========================================================
from collections import namedtuple
import logging
import math

logger = logging.getLogger(__name__)
AnomalyPoint = namedtuple(
  "AnomalyPoint",
  ["timestamp", "anomalyScore", "sweepScore", "windowName"]
)
ThresholdScore = namedtuple(
  "ThresholdScore",
  ["threshold", "score", "tp", "tn", "fp", "fn", "total"]
)


def sigmoid(x):
  """Standard sigmoid function."""
  return 1 / (1 + math.exp(-x))


def scaledSigmoid(relativePositionInWindow):
  """Return a scaled sigmoid function given a relative position within a
  labeled window.  The function is computed as follows:

  A relative position of -1.0 is the far left edge of the anomaly window and
  corresponds to S = 2*sigmoid(5) - 1.0 = 0.98661.  This is the earliest to be
  counted as a true positive.

  A relative position of -0.5 is halfway into the anomaly window and
  corresponds to S = 2*sigmoid(0.5*5) - 1.0 = 0.84828.

  A relative position of 0.0 consists of the right edge of the window and
  corresponds to S = 2*sigmoid(0) - 1 = 0.0.

  Relative positions > 0 correspond to false positives increasingly far away
  from the right edge of the window. A relative position of 1.0 is past the
  right  edge of the  window and corresponds to a score of 2*sigmoid(-5) - 1.0 =
  -0.98661.

  @param  relativePositionInWindow (float)  A relative position
                                            within a window calculated per the
                                            rules above.

  @return (float)
  """
  if relativePositionInWindow > 3.0:
    # FP well behind window
    val = -1.0
  else:
    val = 2*sigmoid(-5*relativePositionInWindow) - 1.0

  return val


def prepAnomalyListForScoring(inputAnomalyList):
  """
  Sort by anomaly score and filter all rows with 'probationary' window name
  """
  return sorted(
    [x for x in inputAnomalyList if x.windowName != 'probationary'],
    key=lambda x: x.anomalyScore,
    reverse=True)

class Sweeper(object):
  """Class used to iterate over all anomaly scores in a data set, generating
  threshold-score pairs for use in threshold optimization or dataset scoring.
  """

  def __init__(self, probationPercent=0.15, costMatrix=None):
    self.probationPercent = probationPercent

    self.tpWeight = 0
    self.fpWeight = 0
    self.fnWeight = 0

    if costMatrix is not None:
      self.setCostMatrix(costMatrix)


  def setCostMatrix(self, costMatrix):
    self.tpWeight = costMatrix["tpWeight"]
    self.fpWeight = costMatrix["fpWeight"]
    self.fnWeight = costMatrix["fnWeight"]


  def _getProbationaryLength(self, numRows):
    return min(
      math.floor(self.probationPercent * numRows),
      self.probationPercent * 5000
    )


  def _prepareScoreByThresholdParts(self, inputAnomalyList):
    scoreParts = {"fp": 0}
    for row in inputAnomalyList:
      if row.windowName not in ('probationary', None):
        scoreParts[row.windowName] = -self.fnWeight
    return scoreParts


  def calcSweepScore(
      self, timestamps, anomalyScores, windowLimits, dataSetName):
    """
    Given a single file's rows, return a list of AnomalyPoints.

    Each AnomalyPoint contains the row's timestamp, anomaly score,
    calculated NAB score, and window name. These lists may be passed
    to `calcScoreByThreshold()` directly in order to score or optimize
    a single file, or combined together prior to being passed to
    `calcScoreByThreshold()` in order to score / calculate multiple
    files / an entire corpus.

    @param timestamps:    (list)  `datetime` objects
    @param anomalyScores: (list)  `float` objects in the range [0.0, 1.0]
    @param windowLimits:  (list)  `tuple` objects of window limits
    @param dataSetName:   (list)  `string` name of dataset, often filename

    @return   (list) List of AnomalyPoint objects
    """
    assert len(timestamps) == len(anomalyScores), \
      "timestamps and anomalyScores should not be different lengths!"
    timestamps = list(timestamps)
    windowLimits = list(windowLimits)  # Copy because we mutate this list
    # The final list of anomaly points returned from this function.
    # Used for threshold optimization and scoring in other functions.
    anomalyList = []

    # One-time config variables
    maxTP = scaledSigmoid(-1.0)
    probationaryLength = self._getProbationaryLength(len(timestamps))

    # Iteration variables - these update as we iterate through the data
    curWindowLimits = None
    curWindowName = None
    curWindowWidth = None
    curWindowRightIndex = None
    prevWindowWidth = None
    prevWindowRightIndex = None

    for i, (curTime, curAnomaly) in enumerate(zip(timestamps, anomalyScores)):
      unweightedScore = None
      weightedScore = None

      # If not in a window, check if we've just entered one
      if windowLimits and curTime == windowLimits[0][0]:
        curWindowLimits = windowLimits.pop(0)
        curWindowName = "%s|%s" % (dataSetName, curWindowLimits[0])
        curWindowRightIndex = timestamps.index(curWindowLimits[1])
        curWindowWidth = float(curWindowRightIndex -
                               timestamps.index(curWindowLimits[0]) + 1)

        logger.debug(
          "Entering window: %s (%s)", curWindowName, str(curWindowLimits))

      # If in a window, score as if true positive
      if curWindowLimits is not None:
        positionInWindow = -(curWindowRightIndex - i + 1) / curWindowWidth
        unweightedScore = scaledSigmoid(positionInWindow)
        weightedScore = unweightedScore * self.tpWeight / maxTP

      # If outside a window, score as if false positive
      else:
        if prevWindowRightIndex is None:
          # No preceding window, so return score as is we were just really
          # far away from the nearest window.
          unweightedScore = -1.0
        else:
          numerator = abs(prevWindowRightIndex - i)
          denominator = float(prevWindowWidth - 1)
          positionPastWindow = numerator / denominator
          unweightedScore = scaledSigmoid(positionPastWindow)

        weightedScore = unweightedScore * self.fpWeight

      if i >= probationaryLength:
        pointWindowName = curWindowName
      else:
        pointWindowName = "probationary"

      point = AnomalyPoint(curTime, curAnomaly, weightedScore, pointWindowName)

      anomalyList.append(point)

      # If at right-edge of window, exit window.
      # This happens after processing the current point and appending it
      # to the list.
      if curWindowLimits is not None and curTime == curWindowLimits[1]:
        logger.debug("Exiting window: %s", curWindowName)
        prevWindowRightIndex = i
        prevWindowWidth = curWindowWidth
        curWindowLimits = None
        curWindowName = None
        curWindowWidth = None
        curWindowRightIndex = None

    return anomalyList


  def calcScoreByThreshold(self, anomalyList):
    """
    Find NAB scores for each threshold in `anomalyList`.

    @param anomalyList  (list) `AnomalyPoint` objects from `calcSweepScore()`

    @return (list)  List of `ThresholdScore` objects
    """
    scorableList = prepAnomalyListForScoring(anomalyList)
    scoreParts = self._prepareScoreByThresholdParts(scorableList)
    scoresByThreshold = []  # The final list we return

    # The current threshold above which an anomaly score is considered
    # an anomaly prediction. This starts above 1.0 so that all points
    # are skipped, which gives us a full false-negative score.
    curThreshold = 1.1

    # Initialize counts:
    # * every point in a window is a false negative
    # * every point outside a window is a true negative
    tn = sum(1 if x.windowName is None else 0 for x in scorableList)
    fn = sum(1 if x.windowName is not None else 0 for x in scorableList)
    tp = 0
    fp = 0

    # Iterate through every data point, starting with highest anomaly scores
    # and working down. Whenever we reach a new anomaly score, we save the
    # current score and begin calculating the score for the new, lower
    # threshold. Every data point we iterate over is 'active' for the current
    # threshold level, so the point is either:
    #   * a true positive (has a `windowName`)
    #   * a false positive (`windowName is None`).
    for dataPoint in scorableList:
      # If we've reached a new anomaly threshold, store the current
      # threshold+score pair.
      if dataPoint.anomalyScore != curThreshold:
        curScore = sum(scoreParts.values())
        totalCount = tp + tn + fp + fn
        s = ThresholdScore(curThreshold, curScore, tp, tn, fp, fn, totalCount)
        scoresByThreshold.append(s)
        curThreshold = dataPoint.anomalyScore

      # Adjust counts
      if dataPoint.windowName is not None:
        tp += 1
        fn -= 1
      else:
        fp += 1
        tn -= 1

      if dataPoint.windowName is None:
        scoreParts["fp"] += dataPoint.sweepScore
      else:
        scoreParts[dataPoint.windowName] = max(
          scoreParts[dataPoint.windowName],
          dataPoint.sweepScore
        )

    # Make sure to save the score for the last threshold
    curScore = sum(scoreParts.values())
    totalCount = tp + tn + fp + fn
    s = ThresholdScore(curThreshold, curScore, tp, tn, fp, fn, totalCount)
    scoresByThreshold.append(s)

    return scoresByThreshold


  def scoreDataSet(
      self, timestamps, anomalyScores, windowLimits, dataSetName, threshold):
    """Function called to score each dataset in the corpus.

    @param timestamps     (tuple) tuple of timestamps
    @param anomalyScores  (tuple) tuple of anomaly scores (floats [0, 1.0])
    @param windowLimits   (tuple) tuple of window limit tuples
    @param dataSetName    (string) name of this dataset, usually a file path.
      Used to name the windows in this dataset, which is important when scoring
      more than one data set, as each window in all data sets needs to be
      uniquely named.
    @param threshold      (float) the threshold at which an anomaly score is
      considered to be an anomaly prediction.

    @return
    :return:  (tuple) Contains:
      scores      (list) List of per-row scores, to be saved in score file
      matchingRow (ThresholdScore)
    """
    anomalyList = self.calcSweepScore(
      timestamps, anomalyScores, windowLimits, dataSetName)
    scoresByThreshold = self.calcScoreByThreshold(anomalyList)

    matchingRow = None
    prevRow = None
    for thresholdScore in scoresByThreshold:
      if thresholdScore.threshold == threshold:
        matchingRow = thresholdScore
        break
      elif thresholdScore.threshold < threshold:
        matchingRow = prevRow
        break

      prevRow = thresholdScore

    # Return sweepScore for each row, to be added to score file
    return (
      [x.sweepScore for x in anomalyList],
      matchingRow
    )


# ==== nab/util.py, lines 285-293 and 317-327 ===============================================
def strp(t):
  """
  @param t (datetime.datetime)  String of datetime with format:
                                "YYYY-MM-DD HH:mm:SS.ss".

  @return   (string)            Datetime object.
  """
  return dateutil.parser.parse(t)



def deepmap(f, datum):
  """Deeply applies f across the datum.

  @param f      (function)    Function to map with.

  @param datum  (datum)       Object to map over.
  """
  if type(datum) == list:
    return [deepmap(f, x) for x in datum]
  else:
    return f(datum)


# ==== nab/labeler.py, lines 87-204 =========================================================
class CorpusLabel(object):
  """
  Class to store and manipulate a single set of labels for the whole
  benchmark corpus.
  """

  def __init__(self, path, corpus):
    """
    Initializes a CorpusLabel object by getting the anomaly windows and labels.
    When this is done for combining raw user labels, we skip getLabels()
    because labels are not yet created.

    @param path    (string)      Name of file containing the set of labels.
    @param corpus  (nab.Corpus)  Corpus object.
    """
    self.path = path

    self.windows = None
    self.labels = None

    self.corpus = corpus
    self.getWindows()

    if "raw" not in self.path:
      # Do not get labels from files in the path nab/labels/raw
      self.getLabels()


  def getWindows(self):
    """
    Read JSON label file. Get timestamps as dictionaries with key:value pairs of
    a relative path and its corresponding list of windows.
    """
    def found(t, data):
      f = data["timestamp"][data["timestamp"] == pandas.Timestamp(t)]
      exists = (len(f) == 1)

      return exists

    with open(os.path.join(self.path)) as windowFile:
      windows = json.load(windowFile)

    self.windows = {}

    for relativePath in list(windows.keys()):

      self.windows[relativePath] = deepmap(strp, windows[relativePath])

      if len(self.windows[relativePath]) == 0:
        continue

      data = self.corpus.dataFiles[relativePath].data
      if "raw" in self.path:
        timestamps = windows[relativePath]
      else:
        timestamps = list(itertools.chain.from_iterable(windows[relativePath]))

      # Check that timestamps are present in dataset
      if not all([found(t,data) for t in timestamps]):
        raise ValueError("In the label file %s, one of the timestamps used for "
                         "the datafile %s doesn't match; it does not exist in "
                         "the file. Timestamps in json label files have to "
                         "exactly match timestamps in corresponding datafiles."
                         % (self.path, relativePath))


  def validateLabels(self):
    """
    This is run at the end of the label combining process (see
    scripts/combine_labels.py) to validate the resulting ground truth windows,
    specifically that they are distinct (unique, non-overlapping).
    """
    with open(os.path.join(self.path)) as windowFile:
      windows = json.load(windowFile)

    self.windows = {}

    for relativePath in list(windows.keys()):

      self.windows[relativePath] = deepmap(strp, windows[relativePath])

      if len(self.windows[relativePath]) == 0:
        continue

      num_windows = len(self.windows[relativePath])
      if num_windows > 1:
        if not all([(self.windows[relativePath][i+1][0]
                    - self.windows[relativePath][i][1]).total_seconds() >= 0
                    for i in range(num_windows-1)]):
          raise ValueError("In the label file %s, windows overlap." % self.path)


  def getLabels(self):
    """
    Get Labels as a dictionary of key-value pairs of a relative path and its
    corresponding binary vector of anomaly labels. Labels are simply a more
    verbose version of the windows.
    """
    self.labels = {}

    for relativePath, dataSet in self.corpus.dataFiles.items():
      if relativePath in self.windows:
        windows = self.windows[relativePath]

        labels = pandas.DataFrame({"timestamp": dataSet.data["timestamp"]})
        labels['label'] = 0

        for t1, t2 in windows:
          moreThanT1 = labels[labels["timestamp"] >= t1]
          betweenT1AndT2 = moreThanT1[moreThanT1["timestamp"] <= t2]
          indices = betweenT1AndT2.loc[:,"label"].index
          labels.iloc[indices.values, labels.columns.get_loc("label")] = 1  # CHANGED (2)

        self.labels[relativePath] = labels

      else:
        print("Warning: no label for datafile",relativePath)



# ==== nab/scorer.py, lines 113-173 =========================================================
def scoreDataSet(args):
  """Function called to score each dataset in the corpus.

  @param args   (tuple)  Arguments to get the detection score for a dataset.

  @return       (tuple)  Contains:
    detectorName  (string)  Name of detector used to get anomaly scores.

    profileName   (string)  Name of profile used to weight each detection type.
                            (tp, tn, fp, fn)

    relativePath  (string)  Path of dataset scored.

    threshold     (float)   Threshold used to convert anomaly scores to
                            detections.

    score         (float)   The score of the dataset.

    counts, tp    (int)     The number of true positive records.

    counts, tn    (int)     The number of true negative records.

    counts, fp    (int)     The number of false positive records.

    counts, fn    (int)     The number of false negative records.

    total count   (int)     The total number of records.
  """
  (detectorName,
   profileName,
   relativePath,
   outputPath,
   threshold,
   timestamps,
   anomalyScores,
   windows,
   costMatrix,
   probationaryPercent,
   scoreFlag) = args

  scorer = Sweeper(
    probationPercent=probationaryPercent,
    costMatrix=costMatrix
  )

  (scores, bestRow) = scorer.scoreDataSet(
    timestamps,
    anomalyScores,
    windows,
    relativePath,
    threshold,
  )

  if scoreFlag:
    # Append scoring function values to the respective results file
    dfCSV = pandas.read_csv(outputPath, header=0, parse_dates=[0])
    dfCSV["S(t)_%s" % profileName] = scores
    dfCSV.to_csv(outputPath, index=False)

  return (detectorName, profileName, relativePath, threshold, bestRow.score,
          bestRow.tp, bestRow.tn, bestRow.fp, bestRow.fn, bestRow.total)
