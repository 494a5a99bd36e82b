"""The `survey_31_day` section of config/satisfaction.yaml: the sample survey a month after."""

from __future__ import annotations

from pydantic import Field, field_validator

from config.files import ConfigModel, labels_by_code


class Survey31Words(ConfigModel):
    """The message with the link, and the public page's words and refusals."""

    sms: str
    email_subject: str
    email: str
    title: str
    intro: str
    score_question: str
    score_labels: dict[str, str]
    step_question: str
    yes: str
    no: str
    submit: str
    thanks: str
    bad_score: str
    bad_step: str
    used: str
    expired: str
    unknown: str

    @field_validator("score_labels", mode="before")
    @classmethod
    def _labels(cls, value):
        value = labels_by_code(value)
        if not isinstance(value, dict) or sorted(map(str, value)) != ["1", "2", "3", "4", "5"]:
            raise ValueError("needs a label for each score from 1 to 5")
        return {str(k): v for k, v in value.items()}


class Survey31Config(ConfigModel):
    """Who is sent the 31-day survey, when, how long its link lasts, and its words."""

    share: float = Field(ge=0.0, le=1.0)
    after_days: int = Field(gt=0)
    window_days: int = Field(gt=0)
    expires_days: int = Field(gt=0)
    token_bytes: int = Field(ge=16)
    retry_minutes: tuple[int, ...] = Field(min_length=1)
    max_attempts: int = Field(gt=0)
    lease_seconds: int = Field(gt=0)
    batch_size: int = Field(gt=0)
    words: Survey31Words
