"""The common part of the pipeline's rule-based screens (language, red flags).

Each screen is a Rasa NLU component that trains nothing and adds to every message on its
own: Rasa asks each component for `create`, `process_training_data` and `process`, which
are the same for every screen and are written here once. A screen writes `screen(message)`.
"""

from typing import Any, Dict, List, Type, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

S = TypeVar("S", bound="ScreenComponent")


class ScreenComponent(GraphComponent):
    """A component without training whose work on each message is `screen(message)`."""

    @classmethod
    def create(
        cls: Type[S],
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> S:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.screen(message)
        return messages

    def screen(self, message: Message) -> None:
        """Adds this screen's findings to `message` (in place)."""
        raise NotImplementedError
