-- EAV attributes by entity type code and attribute code: the ids differ from install to install
SELECT a.attribute_id, t.entity_type_code AS entity, a.attribute_code, a.backend_type, a.frontend_input,
       a.frontend_label
FROM src.eav_attribute a JOIN src.eav_entity_type t ON t.entity_type_id = a.entity_type_id
