"""Text rules that need no stage and write no file: language guessing, joins and dehyphenation, word-space
restoration, continuation markers, the corpus text format and the text-only repair of corpus-format text.

Depends on the page model at most (and on wordfreq, rapidfuzz). Import the submodules; this package
imports nothing so that a cheap one (``patterns``) stays cheap.
"""
