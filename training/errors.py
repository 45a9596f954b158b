"""Domain errors of the training; views turn them into messages or 400 responses."""


class TrainingError(Exception):
    """A request the training's rules refuse; the message is safe to show."""


class QuizUnavailable(TrainingError):
    pass


class InvalidAnswers(TrainingError):
    """Answers that no one could give on the quiz page: a tampered or stale submission."""


class AttemptAlreadySubmitted(TrainingError):
    pass
