# The unique constraints of AgentReview and PlaceReview, now declared once on their
# abstract base, take their names from the class (one_%(class)s).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0011_collection_short_title_for_citations"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="agentreview",
            name="one_agent_review",
        ),
        migrations.RemoveConstraint(
            model_name="placereview",
            name="one_place_review",
        ),
        migrations.AddConstraint(
            model_name="agentreview",
            constraint=models.UniqueConstraint(
                fields=("record", "candidate"), name="one_agentreview"
            ),
        ),
        migrations.AddConstraint(
            model_name="placereview",
            constraint=models.UniqueConstraint(
                fields=("record", "candidate"), name="one_placereview"
            ),
        ),
    ]
