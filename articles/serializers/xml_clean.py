"""Django's XML serializer, minus the control characters XML 1.0 cannot hold (``articles.text``).

``backup_content`` dumps with it (``SERIALIZATION_MODULES`` names it ``xml_clean``) so that a row
stored before control characters were stripped on save — a lead, a revision's ``object_repr`` —
cannot make the backup fail. Loading is Django's own XML deserializer.
"""
from django.core.serializers import xml_serializer

from articles.text import without_control_characters


class Serializer(xml_serializer.Serializer):
    def start_serialization(self):
        super().start_serialization()
        characters = self.xml.characters
        self.xml.characters = lambda content: characters(without_control_characters(content))


Deserializer = xml_serializer.Deserializer
