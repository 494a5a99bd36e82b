"""Import every table module so SQLModel.metadata (and Alembic) sees the whole schema."""
import models.callbacks  # noqa: F401
import models.confirmations  # noqa: F401
import models.enquiries  # noqa: F401
import models.figures  # noqa: F401
import models.follow_ups  # noqa: F401
import models.identity  # noqa: F401
import models.opt_outs  # noqa: F401
import models.presence_history  # noqa: F401
import models.quality  # noqa: F401
import models.records  # noqa: F401
import models.rights_requests  # noqa: F401
import models.safeguarding_cases  # noqa: F401
import models.satisfaction  # noqa: F401
import models.service_state  # noqa: F401
import models.staff  # noqa: F401
import models.survey_invitations  # noqa: F401
